/**
 * What one log row costs on disk, apart from any load on the machine: the `article_updates`
 * layout before and after migration 0015 (two indexes → one), filled in embedded PGlite with
 * rows of a given update size, as 20 writers' keystrokes interleave over a few stories.
 * Deterministic (no timing): `npx tsx bench/logRowCost.ts [updateBytes…]`.
 */
import { PGlite } from "@electric-sql/pglite";
import { randomBytes, randomUUID } from "node:crypto";

const ROWS = 20_000;
const STORIES = 10;
const WRITERS = 20;

const LAYOUTS = {
  "two indexes (before 0015)": `create table log (id bigint primary key generated always as identity, article_id uuid not null,
      user_id uuid, "update" bytea not null, created_at timestamptz not null default now());
    create index log_article_id_idx on log (article_id, id);`,
  "key (article_id, id) (0015)": `create table log (id bigint not null generated always as identity, article_id uuid not null,
      user_id uuid, "update" bytea not null, created_at timestamptz not null default now(), primary key (article_id, id));`,
};

async function measure(layout: string, updateBytes: number) {
  const db = await PGlite.create();
  await db.exec(layout);
  const stories = Array.from({ length: STORIES }, () => randomUUID());
  const writers = Array.from({ length: WRITERS }, () => randomUUID());
  for (let start = 0; start < ROWS; start += 500) {
    const values: string[] = [];
    const params: unknown[] = [];
    for (let i = start; i < start + 500; i++) {
      params.push(stories[Math.floor(i / (ROWS / STORIES))], writers[i % WRITERS], randomBytes(updateBytes));
      values.push(`($${params.length - 2}::uuid, $${params.length - 1}::uuid, $${params.length}::bytea)`);
    }
    await db.query(`insert into log (article_id, user_id, "update") values ${values.join(", ")}`, params);
  }
  const [row] = (await db.query<{ heap: number; indexes: number }>(
    `select pg_relation_size('log') as heap, pg_indexes_size('log') as indexes`,
  )).rows;
  await db.close();
  return { heap: Number(row.heap) / ROWS, indexes: Number(row.indexes) / ROWS };
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
for (const updateBytes of sizes.length ? sizes : [21, 40, 80]) {
  for (const [name, layout] of Object.entries(LAYOUTS)) {
    const { heap, indexes } = await measure(layout, updateBytes);
    const total = heap + indexes;
    console.log(`${updateBytes} B updates, ${name}: ${heap.toFixed(1)} B heap + ${indexes.toFixed(1)} B indexes = ${total.toFixed(1)} B per row (${(total / updateBytes).toFixed(2)}× the update)`);
  }
}
