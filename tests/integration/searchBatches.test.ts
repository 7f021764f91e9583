import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, type Db } from "../../db/client";
import { containsPattern, listArticles } from "../../server/articles/listArticles";
import { backends } from "../support/backends";
import { createStore, type ServerStore } from "../support/testServer";
import { openStoreDatabase } from "../support/storeSql";

/**
 * The search's newest-first batches (`newestMatchingIds` in server/articles/listArticles.ts)
 * against the plain answer, a LIKE over every story sorted newest first: the same stories in
 * the same order, whatever the limit, for phrases found in every story, in a few, only in the
 * oldest and in none although every story holds all their character triples (every story a
 * candidate: the pages run to the oldest story). Stories are written straight into the database (700 of them, through the
 * search trigger) so that the candidates outnumber the first batches.
 */
describe.each(backends())("search batches agree with a LIKE over every story (%s)", (backend) => {
  let store: ServerStore;
  let db: Db;
  const STORIES = 700;

  beforeAll(async () => {
    store = await createStore(backend);
    db = await openStoreDatabase(store);
    // Story n was edited n minutes ago. Every story holds 湘江大桥 and 江大桥东 (so every
    // triple of 湘江大桥东) but only every hundredth holds 湘江大桥东 itself; the three oldest
    // hold a phrase nobody else has. Every story also holds every triple of 长沙北站台前 and of
    // 洞庭湖区域 (长沙北站, 沙北站台, 北站台前; 洞庭湖区, 庭湖区域) but only the three oldest hold
    // 长沙北站台前 and none 洞庭湖区域: all 700 stories are candidates, so the LIKE checks run page
    // after page (200, 400, then the rest) to the oldest.
    await db.execute(sql`insert into articles (title, body_text, state, updated_at)
      select '第' || n || '号稿件', '湘江大桥，江大桥东。长沙北站，沙北站台，北站台前。洞庭湖区，庭湖区域。'
               || case when n > ${STORIES - 3} then '长沙北站台前的广场。' else '' end
               || case when n % 100 = 0 then '湘江大桥东侧的新码头。' else '' end
               || case when n > ${STORIES - 3} then '橘子洲头的老渡口。' else '' end,
             (array['draft','submitted','approved','published'])[1 + n % 4],
             now() - n * interval '1 minute'
      from generate_series(1, ${STORIES}) as n`);
  });

  afterAll(async () => {
    await closeDatabase();
    await store?.dispose();
  });

  /** The plain answer: every story's text read, newest first. */
  async function reference(q: string, limit: number, state?: string): Promise<string[]> {
    const rows = await db.execute<{ id: string }>(sql`select id from articles
      where search_text like lower(${containsPattern(q)}) ${state ? sql`and state = ${state}` : sql``}
      order by updated_at desc, id desc limit ${limit}`);
    return (rows as unknown as { rows: { id: string }[] }).rows.map((r) => r.id);
  }

  const titles = async (ids: string[]) => {
    const found = await listArticles(db, { filter: { q: "第" }, limit: 10_000 });
    const byId = new Map(found.map((a) => [a.id, a.title]));
    return ids.map((id) => byId.get(id));
  };

  it.each([
    ["湘江大桥东", "in every hundredth story"],
    ["湘江大桥东侧的新码头", "a long phrase in every hundredth story"],
    ["江大桥东", "in every story"],
    ["橘子洲头的老渡口", "only in the three oldest"],
    ["湘江大桥东侧的旧码头", "in none, and no story holds its triples"],
    ["长沙北站台前", "only in the three oldest, every triple in every story (several pages)"],
    ["洞庭湖区域", "in none, every triple in every story (every page)"],
    ["桥东侧", "three characters, decided by the index alone"],
  ])("finds %s (%s) exactly as LIKE does, at every limit", async (q) => {
    for (const limit of [1, 5, 7, 250, 500]) {
      const found = (await listArticles(db, { filter: { q }, limit })).map((a) => a.id);
      expect(found, `q=${q} limit=${limit}`).toEqual(await reference(q, limit));
    }
  });

  it("keeps the newest first across batches and with a state", async () => {
    const found = await listArticles(db, { filter: { q: "湘江大桥东" }, limit: 5 });
    expect(await titles(found.map((a) => a.id))).toEqual(["第100号稿件", "第200号稿件", "第300号稿件", "第400号稿件", "第500号稿件"]);
    const oldest = await listArticles(db, { filter: { q: "橘子洲头的老渡口" }, limit: 500 });
    expect(oldest.map((a) => a.title)).toEqual(["第698号稿件", "第699号稿件", "第700号稿件"]);
    const oldestOfAll = await listArticles(db, { filter: { q: "长沙北站台前" }, limit: 2 });
    expect(oldestOfAll.map((a) => a.title)).toEqual(["第698号稿件", "第699号稿件"]);
    expect(await listArticles(db, { filter: { q: "洞庭湖区域" }, limit: 500 })).toEqual([]);
    const published = await listArticles(db, { filter: { q: "江大桥东", state: "published" }, limit: 500 });
    expect(published.map((a) => a.id)).toEqual(await reference("江大桥东", 500, "published"));
    expect(published.every((a) => a.state === "published")).toBe(true);
  });
});
