import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/backends";
import { connectClient } from "../support/collabClient";
import { createArticle, getArticle, signIn } from "../support/session";
import { createStore, startTestServer, type ServerStore, type TestServer } from "../support/testServer";
import { waitFor } from "../support/wait";

/**
 * These tests type thousands of keystrokes at once to build long histories quickly, far past
 * a person's rate: the update budgets (tested in socketBudgets.test.ts) are raised for them.
 */
const FAST_TYPIST = {
  COLLAB_MAX_UPDATES_PER_SECOND: "100000",
  COLLAB_ACCOUNT_UPDATES_PER_SECOND: "100000",
  // A writer's keystrokes of one commit batch are stored as one row, so a burst of 2300 makes
  // only a few rows: the smallest tail limits make sure the long history crosses them.
  STORY_SNAPSHOT_TAIL_ROWS: "10",
  STORY_SNAPSHOT_TAIL_BYTES: "1024",
};

describe.each(backends())("what is saved stays saved (%s)", (backend) => {
  let store: ServerStore;
  let server: TestServer;

  beforeAll(async () => {
    store = await createStore(backend);
    server = await startTestServer(store, FAST_TYPIST);
  });
  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  });

  it("a graceful restart keeps the story exactly as left", async () => {
    let cookie = await signIn(server.url, "yaoyuchao");
    const id = await createArticle(server.url, cookie, "重启之前");
    const a = connectClient(server.url, id, cookie);
    await a.waitSynced();
    for (let i = 0; i < 30; i++) a.type(`第${i}段文字。`);
    await a.waitSaved();
    const before = a.bodyText();
    a.destroy();

    await server.stop();
    server = await startTestServer(store, FAST_TYPIST);
    cookie = await signIn(server.url, "yaoyuchao");
    const b = connectClient(server.url, id, cookie);
    await b.waitSynced();
    expect(b.bodyText()).toBe(before);
    expect(b.titleText()).toBe("重启之前");
    b.destroy();
  });

  it("every edit acknowledged as saved survives a SIGKILL at once after the acknowledgement", async () => {
    let cookie = await signIn(server.url, "xuweixiang");
    const id = await createArticle(server.url, cookie, "断电测试");
    const acknowledged: string[] = [];
    for (let round = 0; round < 5; round++) {
      const client = connectClient(server.url, id, cookie);
      await client.waitSynced();
      const token = `令牌${round}-${Math.random().toString(36).slice(2, 8)}`;
      client.type(token);
      await client.waitSaved();
      acknowledged.push(token);
      // The kill lands right after the "saved" message: if it were sent before the commit,
      // the token would be missing after the restart.
      await server.kill();
      client.destroy();
      server = await startTestServer(store, FAST_TYPIST);
      cookie = await signIn(server.url, "xuweixiang");
      const { content } = await getArticle(server.url, cookie, id);
      for (const t of acknowledged) expect(content.text).toContain(t);
    }
  });

  it("a client that stayed open delivers unsaved edits to the restarted server", async () => {
    const cookie = await signIn(server.url, "zhoumi");
    const id = await createArticle(server.url, cookie, "断线重连");
    const client = connectClient(server.url, id, cookie);
    await client.waitSynced();
    await server.kill();
    client.type("服务器不在时写的字");
    expect(client.isSaved()).toBe(false);
    // Same data, new process on a new port: point the open client at it.
    server = await startTestServer(store, FAST_TYPIST);
    client.provider.serverUrl = `${server.url.replace("http", "ws")}/collab`;
    await client.waitSaved(30_000);
    const fresh = await signIn(server.url, "zhoumi");
    await waitFor(async () => (await getArticle(server.url, fresh, id)).content.text.includes("服务器不在时写的字"), {
      message: "edit delivered after restart",
    });
    client.destroy();
  });

  it("a long history is folded into a snapshot and loads back exactly", async () => {
    let cookie = await signIn(server.url, "yaoyuchao");
    const id = await createArticle(server.url, cookie, "长历史");
    const client = connectClient(server.url, id, cookie);
    await client.waitSynced();
    // One update per keystroke, far past the snapshot limits of the log tail set above.
    for (let i = 0; i < 2300; i++) client.type(i % 50 === 49 ? "。" : "字");
    // A deadline for 2300 commits on a loaded 2-core machine, not a timing claim.
    await client.waitSaved(150_000);
    const expected = client.bodyText();
    client.destroy();
    await server.stop();
    if (backend === "postgres") {
      const db = new pg.Client({ connectionString: store.env.DATABASE_URL });
      await db.connect();
      const { rows } = await db.query("select count(*)::int as n from article_snapshots where article_id = $1", [id]);
      await db.end();
      expect(rows[0].n).toBeGreaterThan(0);
    }
    server = await startTestServer(store, FAST_TYPIST);
    cookie = await signIn(server.url, "yaoyuchao");
    const reader = connectClient(server.url, id, cookie);
    await reader.waitSynced();
    expect(reader.bodyText()).toBe(expected);
    expect(reader.bodyText()).toHaveLength(2300);
    reader.destroy();
  }, 240_000);
});
