/**
 * Search latency on 5,000 stories (issue 13: "results ≤ 100 ms on 5,000 stories"): a fresh
 * database (PGlite in a temporary directory, and PostgreSQL when TEST_DATABASE_URL is set),
 * migrated, filled with 5,000 stories of about 2,400 characters each (rotations of the shared
 * sample story, so every story's text differs), then the dashboard's search (`searchArticles`,
 * the same query `GET /api/articles?q=` runs) timed for Chinese phrases that match one story,
 * many stories and none. Prints the figures and whether the target is met.
 *
 *   npx tsx bench/searchLatency.ts
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { closeDatabase, openDatabase, type DatabaseTarget, type Db } from "../db/client";
import { migrateDatabase } from "../db/migrate";
import { searchArticles } from "../server/articles/searchArticles";
import type { ArticleState } from "../newsroom/articleStates";
import { createPostgresDatabase } from "../tests/support/backends";
import { summarizeLatency } from "./lib/stats";

const STORIES = Number(process.env.SEARCH_BENCH_STORIES) || 5000;
const TARGET_MS = 100;
const RUNS_PER_QUERY = 20;
const SAMPLE = path.resolve(import.meta.dirname, "../../shared/fixtures/sample-article.zh.txt");

/** Chinese text to fill stories with: the shared sample story, or made-up sentences without it. */
function baseText(): string {
  if (fs.existsSync(SAMPLE)) return fs.readFileSync(SAMPLE, "utf8").replace(/\s+/g, "").slice(0, 2400);
  return "湘江两岸的社区书屋在夜里亮着灯，居民们在这里读书、聊天、听讲座。".repeat(80);
}

async function fill(db: Db): Promise<void> {
  const text = baseText();
  // Each story: the base text rotated by its number, plus a marker only it has.
  await db.execute(sql`insert into articles (title, body_text, state)
    select '第' || n || '号稿件：' || substr(${text}, 1 + (n * 7) % 200, 20),
           substr(${text}, 1 + (n * 13) % 2000) || substr(${text}, 1, 1 + (n * 13) % 2000) || '独有标记' || n || '号',
           (array['draft','submitted','approved','published'])[1 + n % 4]
    from generate_series(1, ${STORIES}) as n`);
  await db.execute(sql`analyze articles`);
}

/**
 * The corpus's worst case for the index: four characters that are in no story although both of
 * their triples are in every story (each story is a rotation of the same text), so every story
 * is a candidate and LIKE must read every text to find nothing.
 */
function commonTriplesNowhere(text: string): string | null {
  const chars = Array.from(text);
  const triples = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) triples.add(chars.slice(i, i + 3).join(""));
  for (const a of triples) {
    for (const b of triples) {
      const joined = a + b.slice(2);
      if (a.slice(1) === b.slice(0, 2) && !text.includes(joined) && !/\d|号|第/.test(joined)) return joined;
    }
  }
  return null;
}

async function timeQueries(db: Db, label: string): Promise<boolean> {
  const worst = commonTriplesNowhere(baseText());
  const queries: { q: string; state?: ArticleState; what: string }[] = [
    { q: "独有标记4321号", what: "one story" },
    { q: "雷锋", what: "many stories, two characters" },
    { q: "廉", what: "many stories, one character" },
    { q: "清廉建设净化基层", what: "many stories, eight characters: a long common phrase" },
    { q: "雷锋", state: "published", what: "two characters and a state" },
    { q: "从未出现的词语组合", what: "no story" },
    { q: "清廉洁", what: "no story, though every story has each pair" },
    ...(worst ? [{ q: worst, what: "no story, though every story has each triple" }] : []),
  ];
  let met = true;
  for (const { q, state, what } of queries) {
    const samples: number[] = [];
    let found = 0;
    for (let i = 0; i < RUNS_PER_QUERY; i++) {
      const started = performance.now();
      const result = await searchArticles(db, { q, state: state ?? "", member: "" });
      samples.push(performance.now() - started);
      if ("articles" in result) found = result.articles.length;
    }
    const summary = summarizeLatency(samples.slice(2));
    const ok = summary.p50 <= TARGET_MS;
    met &&= ok;
    console.log(
      `${label}: q="${q}"${state ? ` state=${state}` : ""} (${what}, ${found} found): p50 ${summary.p50.toFixed(1)} ms, p95 ${summary.p95.toFixed(1)} ms, max ${summary.max.toFixed(1)} ms ${ok ? "≤" : ">"} ${TARGET_MS} ms`,
    );
  }
  return met;
}

async function run(target: DatabaseTarget, label: string): Promise<boolean> {
  const db = await openDatabase(target);
  try {
    await migrateDatabase(db, target);
    const started = performance.now();
    await fill(db);
    console.log(`${label}: ${STORIES} stories written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (process.env.SEARCH_BENCH_EXPLAIN) {
      const plan = await db.execute(sql`explain analyze select id from articles where search_grams @> article_search_triple_grams('独有标记4321号') and search_text like '%独有标记4321号%' order by updated_at desc limit 500`);
      console.log(JSON.stringify((plan as { rows: unknown[] }).rows, null, 1));
    }
    return await timeQueries(db, label);
  } finally {
    await closeDatabase();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "search-bench-"));
let met = await run({ kind: "pglite", dataDir: path.join(dir, "pglite") }, "PGlite");
fs.rmSync(dir, { recursive: true, force: true });
if (process.env.TEST_DATABASE_URL) {
  const database = await createPostgresDatabase();
  try {
    met = (await run({ kind: "postgres", url: database.url }, "PostgreSQL")) && met;
  } finally {
    await database.drop();
  }
} else {
  console.log("PostgreSQL skipped: set TEST_DATABASE_URL to measure it too");
}
console.log(met ? `target met: every search p50 ≤ ${TARGET_MS} ms on ${STORIES} stories` : `target missed: a search took over ${TARGET_MS} ms (p50)`);
