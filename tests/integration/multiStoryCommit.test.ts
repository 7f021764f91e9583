import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { DrizzleStoryStore } from "../../server/storyLog/drizzleStoryStore";
import type { LogItem, StoryBatch } from "../../server/storyLog/storyStore";
import { backends } from "../support/backends";
import { openLogStore, type LogStore } from "../support/logStore";

/**
 * A commit batch holding several stories is one statement for all of them
 * (`server/storyLog/appendRows.ts`; 500 stories were 500 statements in a row): each story still
 * gets one row per writer with only that writer's words, a disabled writer's row is refused
 * in its story alone, a story that no longer exists stores nothing and takes nobody else's
 * rows with it, and the owners of new client ids land with their rows, also when they must be
 * split over several statements. On PostgreSQL through the log's own connection, as the server
 * sends them.
 */
describe.each(backends())("several stories in one commit batch (%s)", (backend) => {
  let log: LogStore;
  let people: Map<string, string>;
  const rows = <T>(query: ReturnType<typeof sql>) => log.rows<T>(query);

  beforeAll(async () => {
    log = await openLogStore(backend);
    const accounts = await rows<{ id: string; username: string }>(sql`select id, username from users`);
    people = new Map(accounts.map((account) => [account.username, account.id]));
    await log.db.execute(sql`update users set disabled = true where username = 'zhoumi'`);
  });

  afterAll(() => log?.close());

  async function newStory(title: string): Promise<string> {
    const [{ id }] = await rows<{ id: string }>(sql`insert into articles (title, state) values (${title}, 'draft') returning id`);
    return id;
  }

  /** One keystroke: `text` as a new paragraph, the first edit of Yjs client id `clientId`. */
  function keystroke(username: string, clientId: number, text: string, newOwners: LogItem["newOwners"] = []): LogItem {
    const doc = new Y.Doc();
    doc.clientID = clientId;
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText(text)]);
    doc.getXmlFragment("body").insert(0, [paragraph]);
    const userId = people.get(username)!;
    return { userId, actor: { id: userId, role: "reporter" }, sessionId: null, update: Y.encodeStateAsUpdate(doc), newOwners };
  }

  /** Each stored row of a story: its writer and the text it holds. */
  async function storedRows(articleId: string) {
    const found = await rows<{ user_id: string; update: Uint8Array }>(
      sql`select user_id, "update" from article_updates where article_id = ${articleId} order by id`,
    );
    return found.map((row) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, new Uint8Array(row.update));
      return { userId: row.user_id, text: doc.getXmlFragment("body").toString() };
    });
  }

  const ownersOf = async (articleId: string) =>
    (await rows<{ client_id: string; user_id: string }>(
      sql`select client_id::text, user_id from article_clients where article_id = ${articleId} order by client_id`,
    )).map((row) => [Number(row.client_id), row.user_id] as const);

  it("stores each story's rows by writer, refuses a disabled writer and a missing story alone", async () => {
    const [first, second] = [await newStory("湘江夜读"), await newStory("岳麓书院")];
    const gone = randomUUID();
    const storyStore = new DrizzleStoryStore(log.db, { commitDb: log.commitDb });
    const yao = people.get("yaoyuchao")!;
    const xu = people.get("xuweixiang")!;
    const batches: StoryBatch[] = [
      {
        articleId: first,
        title: "湘江夜读",
        items: [
          keystroke("yaoyuchao", 101, "一", [[101, yao]]),
          keystroke("xuweixiang", 202, "二", [[202, xu]]),
          keystroke("yaoyuchao", 103, "三", [[103, yao]]),
        ],
      },
      { articleId: second, title: "岳麓书院", items: [keystroke("zhoumi", 303, "禁"), keystroke("xuweixiang", 204, "四", [[204, xu]])] },
      { articleId: gone, title: "不存在", items: [keystroke("yaoyuchao", 105, "五", [[105, yao]])] },
    ];

    const [firstIds, secondIds, goneIds] = await storyStore.appendBatch(batches);

    expect(firstIds.every((id) => id !== null), "every keystroke of the first story was stored").toBe(true);
    expect(firstIds[0]!.id, "one writer's keystrokes of a batch share a row").toBe(firstIds[2]!.id);
    expect(firstIds[1]!.id).not.toBe(firstIds[0]!.id);
    expect(secondIds[0], "the disabled writer's keystroke was refused").toBeNull();
    expect(secondIds[1], "her colleague's keystroke in the same story was stored").not.toBeNull();
    expect(goneIds, "a story that no longer exists stores nothing").toEqual([null]);

    const firstRows = await storedRows(first);
    expect(firstRows.map((row) => row.userId)).toEqual([yao, xu]);
    expect(firstRows[0].text, "yaoyuchao's row holds her words only").toContain("一");
    expect(firstRows[0].text).toContain("三");
    expect(firstRows[0].text).not.toContain("二");
    expect(firstRows[1].text, "xuweixiang's row holds his words only").toContain("二");
    expect(firstRows[1].text).not.toContain("一");
    expect(await storedRows(second)).toEqual([{ userId: xu, text: expect.stringContaining("四") }]);
    expect(await ownersOf(first)).toEqual([
      [101, yao],
      [103, yao],
      [202, xu],
    ]);
    expect(await ownersOf(second)).toEqual([[204, xu]]);
    expect(await rows(sql`select 1 from article_updates where article_id = ${gone}`)).toEqual([]);
  });

  it("splits owners that one statement cannot carry and still stores each with its row", async () => {
    const stories = [await newStory("第一篇"), await newStory("第二篇"), await newStory("第三篇")];
    // Two owners per statement: the first story's three go after it, the others in turn.
    const storyStore = new DrizzleStoryStore(log.db, { commitDb: log.commitDb, ownerRowsPerStatement: 2 });
    const yao = people.get("yaoyuchao")!;
    const owners = (first: number, count: number) => Array.from({ length: count }, (_, k) => [first + k, yao] as const);
    const [a, b, c] = await storyStore.appendBatch([
      { articleId: stories[0], title: "第一篇", items: [keystroke("yaoyuchao", 1000, "甲", owners(1000, 3))] },
      { articleId: stories[1], title: "第二篇", items: [keystroke("yaoyuchao", 2000, "乙", owners(2000, 1))] },
      { articleId: stories[2], title: "第三篇", items: [keystroke("yaoyuchao", 3000, "丙", owners(3000, 2))] },
    ]);
    expect([a[0], b[0], c[0]].every((id) => id !== null), "every story's keystroke was stored").toBe(true);
    expect(await ownersOf(stories[0])).toEqual(owners(1000, 3));
    expect(await ownersOf(stories[1])).toEqual(owners(2000, 1));
    expect(await ownersOf(stories[2])).toEqual(owners(3000, 2));
  });
});
