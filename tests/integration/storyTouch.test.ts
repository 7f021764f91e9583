import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { checkpointWriter } from "../../server/commands/checkpointWriter";
import { DrizzleStoryStore } from "../../server/storyLog/drizzleStoryStore";
import type { StoryBatch } from "../../server/storyLog/storyStore";
import { backends } from "../support/backends";
import { openLogStore, type LogStore } from "../support/logStore";

const TOUCH_MS = 60 * 60_000;

/**
 * A commit writes the story's row (the dashboard's title, time and last editor) only when the
 * dashboard would show something new (`server/storyLog/appendRows.ts`): a new title at once,
 * the time and last editor once the time is older than STORY_LIST_TOUCH_MS (co-authors take
 * turns in almost every commit, so the editor alone does not count). Every update is stored
 * either way. On PostgreSQL the batches go through the log's own connection
 * (`db/commitConnection.ts`), as the server sends them.
 */
describe.each(backends())("the story row is written only when the dashboard would change (%s)", (backend) => {
  let log: LogStore;
  let storyStore: DrizzleStoryStore;
  let articleId: string;
  let reporter: string;
  let editor: string;
  const rows = <T>(query: ReturnType<typeof sql>) => log.rows<T>(query);

  beforeAll(async () => {
    log = await openLogStore(backend);
    storyStore = new DrizzleStoryStore(log.db, { commitDb: log.commitDb, touchIntervalMs: TOUCH_MS });
    const people = await rows<{ id: string; username: string }>(sql`select id, username from users`);
    reporter = people.find((person) => person.username === "yaoyuchao")!.id;
    editor = people.find((person) => person.username === "huhongye")!.id;
    [{ id: articleId }] = await rows<{ id: string }>(sql`insert into articles (title, state, updated_at, last_edited_by)
      values ('湘江夜读', 'draft', now() - interval '2 hours', ${reporter}) returning id`);
  });

  afterAll(() => log?.close());

  const storyRow = async () =>
    (await rows<{ title: string; updated_at: string; last_edited_by: string }>(
      sql`select title, updated_at::text, last_edited_by from articles where id = ${articleId}`,
    ))[0];

  const logRows = async () => (await rows<{ n: number }>(sql`select count(*)::int as n from article_updates where article_id = ${articleId}`))[0].n;

  /** One keystroke of `userId`'s, committed with the story's title as the room would give it. */
  async function keystroke(title: string, userId: string, text: string) {
    const doc = new Y.Doc();
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText(text)]);
    doc.getXmlFragment("body").insert(0, [paragraph]);
    const batch: StoryBatch = {
      articleId,
      title,
      items: [{ userId, actor: { id: userId, role: "reporter" }, sessionId: null, update: Y.encodeStateAsUpdate(doc), newOwners: [] }],
    };
    const [ids] = await storyStore.appendBatch([batch]);
    expect(ids[0], "the keystroke was stored").not.toBeNull();
  }

  it("moves a stale time once, then stores keystrokes without touching the row until the title changes or the time is stale", async () => {
    const before = await storyRow();
    await keystroke("湘江夜读", reporter, "一");
    const touched = await storyRow();
    expect(touched.updated_at > before.updated_at, "a time two hours old moves with the first keystroke").toBe(true);

    await keystroke("湘江夜读", reporter, "二");
    await keystroke("湘江夜读", reporter, "三");
    expect(await storyRow(), "same title, same editor, time fresh: the row is left alone").toEqual(touched);

    await keystroke("湘江夜读:老厂房", reporter, "四");
    const retitled = await storyRow();
    expect(retitled.title, "the dashboard shows the new title at once").toBe("湘江夜读:老厂房");
    expect(retitled.updated_at > touched.updated_at).toBe(true);

    await keystroke("湘江夜读:老厂房", editor, "五");
    expect(await storyRow(), "a co-author's keystroke within the interval leaves the row alone").toEqual(retitled);

    // The interval has passed (the row's time set back): the next keystroke shows its writer.
    await log.db.execute(sql`update articles set updated_at = now() - interval '2 hours' where id = ${articleId}`);
    const stale = await storyRow();
    await keystroke("湘江夜读:老厂房", editor, "六");
    const edited = await storyRow();
    expect(edited.last_edited_by, "who edited last").toBe(editor);
    expect(edited.updated_at > stale.updated_at).toBe(true);

    // Another keystroke within the interval leaves the row alone; the next version (a checkpoint,
    // as at a pause or when the room unloads) brings time and last editor up to it.
    await keystroke("湘江夜读:老厂房", reporter, "七");
    expect((await storyRow()).last_edited_by, "within the interval the row still names the previous writer").toBe(editor);
    await checkpointWriter(log.db, { articleId });
    const versioned = await storyRow();
    expect(versioned.last_edited_by, "the version names who edited last").toBe(reporter);
    expect(versioned.updated_at > edited.updated_at, "and the time of that edit").toBe(true);

    expect(await logRows(), "every keystroke is in the log").toBe(7);
  });
});
