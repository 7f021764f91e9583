import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOSE_LOAD_FAILED } from "../../newsroom/collabMessages";
import { backends } from "../support/backends";
import { connectClient } from "../support/collabClient";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { api, createArticle, signIn } from "../support/session";
import { createStore, type ServerStore } from "../support/testServer";
import { sleep, waitFor } from "../support/wait";

/** An empty room is stored this soon after its last writer leaves. */
const IDLE_MS = 100;
const OPEN_TIMEOUT_MS = 1000;

// PostgreSQL only: the test holds the log table locked from a connection of its own, which the
// embedded database (one connection, owned by the server) cannot have.
describe.each(backends().filter((backend) => backend === "postgres"))("a story reopened while its room is stored (%s)", (backend) => {
  let store: ServerStore;
  let server: InProcessServer;

  beforeAll(async () => {
    store = await createStore(backend);
    server = await startInProcessServer(store, {
      COLLAB_ROOM_IDLE_MS: String(IDLE_MS),
      COLLAB_ROOM_OPEN_TIMEOUT_MS: String(OPEN_TIMEOUT_MS),
    });
  });
  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  });

  it("refuses the reopen with 4500 and a restore with 503 once the open timeout passes, then opens it with every word", async () => {
    const cookie = await signIn(server.url, "yaoyuchao");
    const id = await createArticle(server.url, cookie, "夜班");
    const writer = connectClient(server.url, id, cookie);
    await writer.waitSynced();
    writer.type("第一句。");
    await writer.waitSaved();
    const named = await api<{ id: number }>(server.url, cookie, "POST", `/api/articles/${id}/revisions`, { name: "第一版" });
    expect(named.status).toBe(201);

    const locker = new pg.Client({ connectionString: store.env.DATABASE_URL });
    await locker.connect();
    const closeCodes: number[] = [];
    let reader: ReturnType<typeof connectClient> | null = null;
    try {
      await locker.query("begin");
      await locker.query("lock table article_updates in access exclusive mode");
      // Written, then left: the room is stored after the idle time, its last commit held by the lock.
      writer.type("第二句。");
      writer.destroy();
      await sleep(IDLE_MS * 5);
      reader = connectClient(server.url, id, cookie);
      reader.provider.on("connection-close", (event) => {
        if (event) closeCodes.push(event.code);
      });
      // Before the bound, the reopen waited for the lock, however long it was held.
      await waitFor(() => closeCodes.includes(CLOSE_LOAD_FAILED), { timeoutMs: 30_000, message: `the reopen refused with ${CLOSE_LOAD_FAILED}` });
      expect(reader.provider.synced).toBe(false);
      // A restore needs the story open too: it says it could not save, and changes nothing.
      const restore = await api<{ error: { code: string } }>(server.url, cookie, "POST", `/api/articles/${id}/revisions/${named.body.id}/restore`);
      expect(restore.status).toBe(503);
      expect(restore.body.error.code).toBe("save_failed");
    } finally {
      await locker.query("commit");
      await locker.end();
    }
    // The stored room frees the story; the client's next attempt opens it with both sentences.
    await reader!.waitSynced();
    expect(reader!.bodyText()).toContain("第一句。第二句。");
    console.log(`[figures] reopen during a held store: refused ${closeCodes.filter((c) => c === CLOSE_LOAD_FAILED).length} time(s) with ${CLOSE_LOAD_FAILED}, then opened`);
    reader!.destroy();
  });
});
