import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { closeDatabase, type Db } from "../../db/client";
import { articleRevisions, articleAudit, articles, users, type User } from "../../db/schema";
import { articleCreator } from "../../server/commands/articleCreator";
import { articleTransitioner } from "../../server/commands/articleTransitioner";
import { checkpointWriter } from "../../server/commands/checkpointWriter";
import { datelineEditor } from "../../server/commands/datelineEditor";
import { namedVersionWriter } from "../../server/commands/namedVersionWriter";
import { backends } from "../support/backends";
import { createStore, type ServerStore } from "../support/testServer";
import { openStoreDatabase } from "../support/storeSql";

/**
 * The workflow commands called directly, as routes, server actions and the socket call them,
 * on a fresh copy of the migrated demo store and no server: what each command stores, what it
 * refuses, and that a refusal stores nothing.
 */
describe.each(backends())("workflow commands on %s", (backend) => {
  let store: ServerStore;
  let db: Db;
  const people: Record<string, User> = {};

  beforeAll(async () => {
    store = await createStore(backend);
    // The audit chain is keyed; the key comes from outside the database.
    process.env.AUDIT_SECRET = randomBytes(32).toString("base64url");
    db = await openStoreDatabase(store);
    for (const user of await db.select().from(users)) people[user.username] = user;
  });

  afterAll(async () => {
    await closeDatabase();
    await store?.dispose();
  });

  const revisionsOf = (articleId: string) =>
    db.select().from(articleRevisions).where(eq(articleRevisions.articleId, articleId));
  const auditOf = (articleId: string) => db.select().from(articleAudit).where(eq(articleAudit.articleId, articleId));

  it("writes one checkpoint when two are asked for at once, and none while nothing changed", async () => {
    const { id } = await articleCreator(db, { actor: people.yaoyuchao, title: "检查点" });
    await Promise.all([checkpointWriter(db, { articleId: id }), checkpointWriter(db, { articleId: id })]);
    expect((await revisionsOf(id)).map((r) => r.kind)).toEqual(["checkpoint"]);
    await checkpointWriter(db, { articleId: id });
    expect(await revisionsOf(id)).toHaveLength(1);
  });

  it("saves a named version for a member and refuses a reporter who is not on the byline", async () => {
    const { id } = await articleCreator(db, { actor: people.yaoyuchao, title: "命名版本" });
    const refused = await namedVersionWriter(db, { actor: people.zhoumi, articleId: id, name: "偷看" });
    expect(refused).toMatchObject({ ok: false, code: "forbidden" });
    expect(await revisionsOf(id)).toHaveLength(0);

    const saved = await namedVersionWriter(db, { actor: people.yaoyuchao, articleId: id, name: "初稿" });
    expect(saved).toMatchObject({ ok: true, revision: { kind: "named", name: "初稿", createdBy: people.yaoyuchao.id } });
    const missing = await namedVersionWriter(db, { actor: people.yaoyuchao, articleId: "not-an-id", name: "x" });
    expect(missing).toMatchObject({ ok: false, code: "not_found" });
  });

  it("moves a story through review and publication, one audit entry and one version per step", async () => {
    const { id } = await articleCreator(db, { actor: people.yaoyuchao, title: "流程" });
    const steps = [
      [people.yaoyuchao, "submit"],
      [people.huhongye, "approve"],
      [people.huhongye, "publish"],
    ] as const;
    for (const [actor, action] of steps) {
      expect(await articleTransitioner(db, { actor, articleId: id, action })).toMatchObject({ ok: true });
    }
    const [article] = await db.select().from(articles).where(eq(articles.id, id));
    expect(article.state).toBe("published");
    expect(article.slug).toBeTruthy();
    expect((await auditOf(id)).map((e) => e.action).sort()).toEqual(["approve", "publish", "submit"]);
    expect((await revisionsOf(id)).filter((r) => r.kind === "transition")).toHaveLength(3);
  });

  it("refuses a transition the actor may not make, or the state does not allow, and stores nothing", async () => {
    const { id } = await articleCreator(db, { actor: people.yaoyuchao, title: "越权" });
    expect(await articleTransitioner(db, { actor: people.yaoyuchao, articleId: id, action: "approve" })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    expect(await articleTransitioner(db, { actor: people.huhongye, articleId: id, action: "publish" })).toMatchObject({
      ok: false,
    });
    expect(
      await articleTransitioner(db, { actor: people.huhongye, articleId: id, action: "request_changes", note: "x".repeat(2001) }),
    ).toMatchObject({ ok: false, code: "bad_request" });
    const [article] = await db.select().from(articles).where(eq(articles.id, id));
    expect(article.state).toBe("draft");
    expect(await auditOf(id)).toHaveLength(0);
    expect(await revisionsOf(id)).toHaveLength(0);
  });

  it("changes the dateline while the story is a draft, never after it is submitted", async () => {
    const { id } = await articleCreator(db, { actor: people.yaoyuchao, title: "电头" });
    expect(await datelineEditor(db, { actor: people.yaoyuchao, articleId: id, dateline: "长沙报道" })).toMatchObject({ ok: true });
    expect(await datelineEditor(db, { actor: people.yaoyuchao, articleId: id, dateline: "   " })).toMatchObject({
      ok: false,
      code: "bad_request",
    });
    await articleTransitioner(db, { actor: people.yaoyuchao, articleId: id, action: "submit" });
    expect(await datelineEditor(db, { actor: people.yaoyuchao, articleId: id, dateline: "岳阳报道" })).toMatchObject({ ok: false });
    const [article] = await db.select().from(articles).where(eq(articles.id, id));
    expect(article.dateline).toBe("长沙报道");
  });
});
