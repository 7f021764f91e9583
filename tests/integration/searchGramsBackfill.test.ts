import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, type Db } from "../../db/client";
import { containsPattern, listArticles, SEARCH_GRAMS_VERSION } from "../../server/articles/listArticles";
import { SearchGramsBackfill } from "../../server/articles/searchGramsBackfill";
import { backends } from "../support/backends";
import { createStore, type ServerStore } from "../support/testServer";
import { openStoreDatabase } from "../support/storeSql";

/**
 * Stories written before migration 0017 hold characters and pairs only (version 0) until the
 * background backfill (`server/articles/searchGramsBackfill.ts`) reaches them. Meanwhile a
 * search of three characters (decided by the triples for current rows) and a longer one must
 * still find exactly what a LIKE over every story finds; the backfill, a bounded batch at a
 * time, brings every row current without touching `updated_at`.
 */
describe.each(backends())("search grams backfill (%s)", (backend) => {
  let store: ServerStore;
  let db: Db;
  const STORIES = 120;
  /** Every story: the 120 written here and whatever the store was seeded with. */
  let total = 0;

  beforeAll(async () => {
    store = await createStore(backend);
    db = await openStoreDatabase(store);
    await db.execute(sql`insert into articles (title, body_text, state, updated_at)
      select '旧稿' || n, '岳麓山下。' || case when n % 10 = 0 then '橘子洲头看湘江。' else '' end
               -- Every pair of 橘子洲 and of 看湘江, but neither: an old row LIKE must turn away.
               || case when n % 7 = 0 then '橘子，子洲；看湘，湘江。' else '' end,
             'draft', now() - n * interval '1 minute'
      from generate_series(1, ${STORIES}) as n`);
    // The rows as 0014 left them: triples stripped, version 0 (the trigger kept out of the way).
    await db.execute(sql`alter table articles disable trigger articles_search_columns`);
    await db.execute(sql`update articles set search_grams_version = 0,
      search_grams = array(select g from unnest(search_grams) as g where char_length(g) <= 2)`);
    await db.execute(sql`alter table articles enable trigger articles_search_columns`);
    total = (await versions())[0];
  });

  afterAll(async () => {
    await closeDatabase();
    await store?.dispose();
  });

  async function reference(q: string): Promise<string[]> {
    const rows = await db.execute<{ id: string }>(sql`select id from articles
      where search_text like lower(${containsPattern(q)}) order by updated_at desc, id desc`);
    return (rows as unknown as { rows: { id: string }[] }).rows.map((r) => r.id);
  }

  async function versions(): Promise<Record<string, number>> {
    const rows = await db.execute<{ version: number; count: number }>(sql`select search_grams_version as version,
      count(*)::int as count from articles group by 1`);
    return Object.fromEntries((rows as unknown as { rows: { version: number; count: number }[] }).rows.map((r) => [r.version, r.count]));
  }

  const searches = ["橘子洲", "看湘江", "洲头", "橘子洲头看湘江", "岳麓山下"];

  async function expectExact(): Promise<void> {
    for (const q of searches) {
      const found = (await listArticles(db, { filter: { q }, limit: 500 })).map((a) => a.id);
      expect(found, q).toEqual(await reference(q));
      expect(found.length, q).toBeGreaterThan(0);
    }
  }

  it("finds old rows exactly before, during and after the backfill, which brings them current", async () => {
    expect(total).toBeGreaterThanOrEqual(STORIES);
    await expectExact();
    const newest = async () =>
      (await db.execute<{ at: string }>(sql`select max(updated_at)::text as at from articles`) as unknown as { rows: { at: string }[] }).rows[0].at;
    const before = await newest();

    const backfill = new SearchGramsBackfill(db, { batch: 50, pauseMs: 0 });
    expect(await backfill.runBatch()).toBe(50);
    expect(await versions()).toEqual({ 0: total - 50, [SEARCH_GRAMS_VERSION]: 50 });
    await expectExact(); // half current, half old

    backfill.start();
    await backfill.stop(); // waits for the loop, which ends when a batch finds fewer than 50
    for (let i = 0; i < 5 && (await versions())[0]; i++) await backfill.runBatch();
    expect(await versions()).toEqual({ [SEARCH_GRAMS_VERSION]: total });
    expect(await backfill.runBatch()).toBe(0);
    const triples = await db.execute<{ n: number }>(sql`select count(*)::int as n from articles where search_grams @> array['橘子洲']`);
    expect((triples as unknown as { rows: { n: number }[] }).rows[0].n).toBe(STORIES / 10);
    await expectExact();
    expect(await newest()).toBe(before);
  });
});
