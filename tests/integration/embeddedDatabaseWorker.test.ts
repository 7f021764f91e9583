import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { embeddedDatabaseWorker, getDb } from "../../db/client";
import { PgliteWorkerClient } from "../../db/pgliteWorkerClient";
import { connectClient } from "../support/collabClient";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { createTeamStory, getArticle, signIn } from "../support/session";
import { createStore, type ServerStore } from "../support/testServer";
import { waitFor } from "../support/wait";

/** Small enough for a test to fill, large enough for the server's own queries. */
const QUEUE_MAX = 40;

/** A long query (a history view, say): it holds the database worker for 0.4 s. */
const SLOW_QUERY = sql`select pg_sleep(0.4)::text as slept`;

/** When (this thread's clock) a slow query was sent and when its answer came back. */
async function slowQueryWindow(): Promise<{ sent: number; answered: number }> {
  const sent = performance.now();
  await getDb().execute(SLOW_QUERY);
  return { sent, answered: performance.now() };
}

async function rowsOf(query: SQL): Promise<unknown[]> {
  return ((await getDb().execute(query)) as unknown as { rows: unknown[] }).rows;
}

describe("the embedded database runs in its own thread (pglite)", () => {
  let store: ServerStore;
  let server: InProcessServer;
  let editorCookie: string;

  beforeAll(async () => {
    store = await createStore("pglite");
    // With fsync at commit, the default (the other test servers turn it off for speed).
    server = await startInProcessServer(store, { DB_WORKER_QUEUE_MAX: String(QUEUE_MAX), PGLITE_FSYNC: "1" });
    editorCookie = await signIn(server.url, "huhongye");
  });
  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  });

  it("a colleague's committed words are relayed while a long query still runs in the database", async () => {
    const id = await createTeamStory(server.url, editorCookie, "慢查询时照常转发");
    const writer = connectClient(server.url, id, await signIn(server.url, "yaoyuchao"));
    const reader = connectClient(server.url, id, await signIn(server.url, "xuweixiang"));
    await Promise.all([writer.waitSynced(), reader.waitSynced()]);
    const seenAt = new Map<string, number>();
    reader.doc.on("update", () => {
      for (const token of ["甲", "乙", "丙"]) if (!seenAt.has(token) && reader.bodyText().includes(token)) seenAt.set(token, performance.now());
    });

    // Two long queries always wait for the database, so it never runs out of work: each commit
    // runs between two of them and the next one is already queued when the commit ends.
    const windows: { sent: number; answered: number }[] = [];
    let busy = true;
    const keepBusy = async () => {
      while (busy) windows.push(await slowQueryWindow());
    };
    const loops = [keepBusy(), keepBusy()];
    for (const token of ["甲", "乙", "丙"]) {
      writer.type(token);
      await waitFor(() => seenAt.has(token), { message: `relay of ${token}`, timeoutMs: 20_000 });
    }
    busy = false;
    await Promise.all(loops);

    // With PGlite on the event loop a queued query starts the moment the one before it ends and
    // blocks every socket while it runs: with queries always queued, no relay could reach the
    // reader until the queries stopped. Here each relay arrives while a long query is outstanding.
    for (const [token, at] of seenAt) {
      const spanning = windows.find((w) => w.sent < at && at < w.answered);
      expect(spanning, `a long query was sent before the relay of ${token} and answered after it`).toBeDefined();
    }
    await writer.waitSaved();
    expect((await getArticle(server.url, editorCookie, id)).content.text).toContain("甲乙丙");
    writer.destroy();
    reader.destroy();
  });

  it("past DB_WORKER_QUEUE_MAX waiting queries a new one is refused at once, and the database serves again after", async () => {
    const attempts = Array.from({ length: QUEUE_MAX + 10 }, () => getDb().execute(sql`select pg_sleep(0.01)`));
    const outcomes = await Promise.allSettled(attempts);
    const refused = outcomes.filter((o) => o.status === "rejected") as PromiseRejectedResult[];
    expect(refused.length).toBeGreaterThanOrEqual(10);
    for (const { reason } of refused) {
      const cause = (reason as { cause?: Error }).cause ?? (reason as Error);
      expect(cause.name).toBe("EmbeddedDatabaseBusy");
      expect(cause.message).toContain("DB_WORKER_QUEUE_MAX");
    }
    expect(outcomes.filter((o) => o.status === "fulfilled").length).toBeGreaterThan(0);
    expect(await rowsOf(sql`select 1 as one`)).toEqual([{ one: 1 }]);
  });

  it("a transaction whose caller throws is rolled back and holds nothing after", async () => {
    await getDb().execute(sql`create table if not exists worker_probe (id int primary key)`);
    await expect(
      getDb().transaction(async (tx) => {
        await tx.execute(sql`insert into worker_probe values (1)`);
        throw new Error("the caller gave up");
      }),
    ).rejects.toThrow("the caller gave up");
    // The row is gone, and the worker is free: an outside query and a new transaction both run.
    expect(await rowsOf(sql`select count(*)::int as n from worker_probe`)).toEqual([{ n: 0 }]);
    await getDb().transaction(async (tx) => tx.execute(sql`insert into worker_probe values (2)`));
    expect(await rowsOf(sql`select id from worker_probe`)).toEqual([{ id: 2 }]);
  });

  it("a crashed database worker fails what waited with a clear error, and the data directory is opened again", async () => {
    const id = await createTeamStory(server.url, editorCookie, "数据库线程崩溃");
    const writer = connectClient(server.url, id, await signIn(server.url, "zhoumi"));
    await writer.waitSynced();
    writer.type("崩溃之前已保存");
    await writer.waitSaved();
    writer.destroy();

    const worker = embeddedDatabaseWorker()!;
    const restartsBefore = worker.restartCount;
    // Drizzle sends a query when it is awaited: `then` sends it now.
    const waiting = getDb()
      .execute(sql`select pg_sleep(2)`)
      .then(
        () => null,
        (err: { cause?: Error }) => err.cause ?? (err as Error),
      );
    // Crash it while the query is with the worker (not before it was sent).
    await waitFor(() => worker.inFlight > 0, { message: "the query in the worker" });
    await worker.thread.terminate();
    const failure = await waiting;
    expect(failure?.name).toBe("EmbeddedDatabaseStopped");
    expect(failure?.message).toContain("the embedded database stopped");
    expect(worker.restartCount).toBe(restartsBefore + 1);

    // What was saved before the crash is read back through the new worker.
    const stored = await waitFor(() => getArticle(server.url, editorCookie, id).catch(() => null), {
      message: "the story through the reopened database",
    });
    expect(stored.content.text).toContain("崩溃之前已保存");
  });

  it("a transaction cut off by a crash cannot reach into a transaction begun on the new worker", async () => {
    // A client of its own on a copy of the store, so both workers' first transactions are the
    // ones racing here (ids counted from a worker's start would collide).
    const own = await createStore("pglite");
    const client = await PgliteWorkerClient.open({ dataDir: path.join(own.env.DATA_DIR, "pglite"), durable: false, maxQueued: 100 });
    try {
      await client.exec("create table crash_probe (id int primary key)");
      let resumeOld!: () => void;
      const oldMayGoOn = new Promise<void>((resolve) => (resumeOld = resolve));
      let oldStarted!: () => void;
      const oldHasBegun = new Promise<void>((resolve) => (oldStarted = resolve));
      // The old transaction is between two statements (folding a log tail, say) when its worker dies.
      const old = client
        .transaction(async (tx) => {
          await tx.query("insert into crash_probe values (1)");
          oldStarted();
          await oldMayGoOn;
          await tx.query("insert into crash_probe values (2)");
        })
        .then(
          () => "committed",
          () => "refused",
        );
      await oldHasBegun;
      await client.thread.terminate();
      await waitFor(() => client.query("select 1").then(() => true, () => false), { message: "the reopened database" });
      // A new transaction is open on the new worker when the old one goes on.
      let resumeNew!: () => void;
      const newMayEnd = new Promise<void>((resolve) => (resumeNew = resolve));
      const fresh = client.transaction(async (tx) => {
        await tx.query("insert into crash_probe values (3)");
        resumeOld();
        await old;
        await newMayEnd;
      });
      expect(await old).toBe("refused");
      resumeNew();
      await fresh;
      // Only the new transaction's row: nothing of the cut-off one, and it could not end the new one.
      expect((await client.query("select id from crash_probe order by id")).rows).toEqual([{ id: 3 }]);
    } finally {
      await client.close();
      await own.dispose();
    }
  });

  // Last: it stops the file's server (afterAll's stop is then a no-op).
  it("closing waits for the database worker to end", async () => {
    const thread = embeddedDatabaseWorker()!.thread;
    let exited = false;
    thread.once("exit", () => (exited = true));
    await server.stop();
    expect(exited).toBe(true);
    expect(embeddedDatabaseWorker()).toBeUndefined();
  });
});
