import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { migrate } from "drizzle-orm/pglite/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { closeDatabase, openDatabase, type Db } from "../../db/client";
import { SearchGramsBackfill } from "../../server/articles/searchGramsBackfill";

const DRIZZLE = path.resolve(import.meta.dirname, "../../drizzle");

/**
 * Migration 0017 on a database that already has stories: it must not rebuild their grams (that
 * held startup for minutes on a large newsroom, inside the migration's transaction); they keep
 * 0014's grams at version 0 until the background backfill rebuilds them.
 */
describe("migration 0017 on existing stories (pglite)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "triples-migration-"));
  let db: Db;

  afterAll(async () => {
    await closeDatabase();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** drizzle/ as it was before 0017. */
  function migrationsBefore0017(): string {
    const folder = path.join(dir, "drizzle-0016");
    fs.cpSync(DRIZZLE, folder, { recursive: true });
    fs.rmSync(path.join(folder, "0017_search_triples.sql"));
    const journalFile = path.join(folder, "meta", "_journal.json");
    const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter((e) => e.tag !== "0017_search_triples");
    fs.writeFileSync(journalFile, JSON.stringify(journal));
    return folder;
  }

  const rows = async <T>(query: ReturnType<typeof sql>) => ((await db.execute(query)) as unknown as { rows: T[] }).rows;

  it("leaves old stories at version 0 without triples, and the backfill brings them current", async () => {
    db = await openDatabase({ kind: "pglite", dataDir: path.join(dir, "pglite") });
    await migrate(db as unknown as PgliteDatabase, { migrationsFolder: migrationsBefore0017() });
    await db.execute(sql`insert into articles (title, body_text, state) values ('旧稿', '橘子洲头看湘江。', 'draft')`);

    await migrate(db as unknown as PgliteDatabase, { migrationsFolder: DRIZZLE });
    const [old] = await rows<{ version: number; triple: boolean }>(
      sql`select search_grams_version as version, search_grams @> array['橘子洲'] as triple from articles where title = '旧稿'`,
    );
    expect(old).toEqual({ version: 0, triple: false });

    await db.execute(sql`insert into articles (title, body_text, state) values ('新稿', '橘子洲头看湘江。', 'draft')`);
    const [fresh] = await rows<{ version: number; triple: boolean }>(
      sql`select search_grams_version as version, search_grams @> array['橘子洲'] as triple from articles where title = '新稿'`,
    );
    expect(fresh).toEqual({ version: 1, triple: true });

    expect(await new SearchGramsBackfill(db, { batch: 10, pauseMs: 0 }).runBatch()).toBe(1);
    const [rebuilt] = await rows<{ version: number; triple: boolean }>(
      sql`select search_grams_version as version, search_grams @> array['橘子洲'] as triple from articles where title = '旧稿'`,
    );
    expect(rebuilt).toEqual({ version: 1, triple: true });
  });
});
