// Issue 10, attack 1 (and the commit side of attack 2): the update log's commit path cannot
// wedge. A burst of tiny updates is stored in bounded batches; a story whose commits keep
// failing is closed with 4501 after a bounded number of attempts while other stories keep
// saving; on PostgreSQL, a stall of the log table is ridden out. Method: docs/RELIABILITY.md.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { CLOSE_SAVE_FAILED, MESSAGE_SAVED, MESSAGE_SYNC } from "../../newsroom/collabMessages";
import { backends, type Backend } from "../support/backends";
import { printBystanderFigures, startBystander } from "../support/bystander";
import { connectClient } from "../support/collabClient";
import { collabUrl, scenarioCount, scenarioTimeout, stepTracker } from "../support/reliability";
import { api, createArticle, signIn } from "../support/session";
import { withStoreSql } from "../support/storeSql";
import { readStoredDocs } from "../support/storedStory";
import { createStore, startTestServer, type ServerStore, type TestServer } from "../support/testServer";
import { waitFor } from "../support/wait";

/** One-character updates in the burst (the run: 100,000; `npm run soak`). */
const BURST_UPDATES = scenarioCount("RELIABILITY_COMMIT_BURST_UPDATES", 20_000, 100_000);
const BURST_SOCKETS = 4;
/** Updates each under a fresh Yjs client id (the runs: 5,000 and 30,000). */
const FRESH_CLIENT_UPDATES = scenarioCount("RELIABILITY_COMMIT_FRESH_CLIENTS", 3_000, 30_000);
/** Small, so the burst really is stored in many bounded statements. */
const MAX_ROWS = 500;
const MAX_ATTEMPTS = 4;
/** Longer than the 4 s table stall below (ridden out), shorter than the row lock (given up). */
const COMMIT_TIMEOUT_MS = 6000;
const HUGE = "1000000000";

const SERVER_ENV: Record<string, string> = {
  // The socket budgets (another part of issue 10) would stop the burst first; off here.
  COLLAB_MAX_UPDATES_PER_SECOND: HUGE,
  COLLAB_MAX_UPDATE_BYTES_PER_SECOND: HUGE,
  COLLAB_ACCOUNT_UPDATES_PER_SECOND: HUGE,
  COLLAB_ACCOUNT_UPDATE_BYTES_PER_SECOND: HUGE,
  COLLAB_MAX_NEW_CLIENT_IDS_PER_MINUTE: HUGE,
  // A raw writer answers pings from this test worker, which under the full suite's load can be
  // starved past a 10 s round while the server commits thousands of ids (a 1006 cut seen in a
  // suite run, never alone). Liveness is tested in silentColleague; here it would only race.
  COLLAB_PING_INTERVAL_MS: "60000",
  COLLAB_COMMIT_MAX_ROWS: String(MAX_ROWS),
  COLLAB_COMMIT_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
  COLLAB_COMMIT_TIMEOUT_MS: String(COMMIT_TIMEOUT_MS),
  // A burst socket's frames may all wait for their turn (the bound is hit in tests/unit/frameTurns).
  COLLAB_MAX_QUEUED_FRAMES: String(BURST_UPDATES * 2),
  // The whole burst may be queued at once (the bound itself is hit in tests/unit/groupCommit).
  COLLAB_COMMIT_QUEUE_MAX_UPDATES: String(BURST_UPDATES * 2),
  COLLAB_COMMIT_QUEUE_MAX_UPDATES_PER_STORY: String(BURST_UPDATES * 2),
};

process.setMaxListeners(0);

type Query = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/**
 * A writer speaking the y-websocket protocol by hand on a raw `ws` socket: it sends updates
 * made in its own document (each a character appended to its own paragraph, so they apply
 * without the server's state) and records the "saved" vectors and how the server closed it.
 * Unlike the stock client it never reconnects, so a close is seen as it is.
 */
interface RawWriter {
  doc: Y.Doc;
  /** Updates made and not yet sent. */
  updates: Uint8Array[];
  sendAll(): void;
  isSaved(): boolean;
  /** The last "saved" vector the server sent this socket. */
  savedVector(): Map<number, number>;
  closed: Promise<{ code: number; reason: string }>;
  /** The close code once closed (null while open). */
  closeCode(): number | null;
  close(): void;
}

async function openRawWriter(server: TestServer, articleId: string, cookie: string, characters: number): Promise<RawWriter> {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  const text = new Y.XmlText();
  doc.transact(() => {
    const paragraph = new Y.XmlElement("paragraph");
    doc.getXmlFragment("body").push([paragraph]);
    paragraph.push([text]);
    text.insert(0, "字");
  });
  for (let i = 1; i < characters; i++) text.insert(text.length, "字");
  const ws = new WebSocket(`${collabUrl(server)}/${articleId}`, { headers: { cookie }, handshakeTimeout: 60_000 });
  let saved = new Map<number, number>();
  // The server holds only a few frames while it checks the session: send once it has spoken.
  // A close before that, or silence, fails here with the server's last words, never a hang.
  const joined = new Promise<void>((resolve, reject) => {
    const silence = setTimeout(
      () => reject(new Error(`raw writer: no word from the server in 60 s; its last words:\n${server.output().slice(-3000)}`)),
      60_000,
    );
    ws.once("message", () => {
      clearTimeout(silence);
      resolve();
    });
    ws.once("close", (code) => {
      clearTimeout(silence);
      reject(new Error(`raw writer closed (${code}) before the server spoke; its last words:\n${server.output().slice(-3000)}`));
    });
  });
  joined.catch(() => {});
  ws.on("message", (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(decoder) === MESSAGE_SAVED) saved = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
  });
  let closeCode: number | null = null;
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => {
      closeCode = code;
      resolve({ code, reason: reason.toString() });
    }),
  );
  ws.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("close", (code) => reject(new Error(`raw writer closed (${code}) before opening`)));
  });
  await joined;
  return {
    doc,
    updates,
    sendAll() {
      for (const update of updates.splice(0)) {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MESSAGE_SYNC);
        syncProtocol.writeUpdate(encoder, update);
        ws.send(encoding.toUint8Array(encoder));
      }
    },
    isSaved: () => (saved.get(doc.clientID) ?? 0) >= Y.getState(doc.store, doc.clientID),
    savedVector: () => saved,
    closed,
    closeCode: () => closeCode,
    close: () => ws.close(),
  };
}

/** Updates of one new paragraph each, every one from a Yjs client id never seen before. */
function freshClientUpdates(count: number): { updates: Uint8Array[]; clientIds: number[] } {
  const updates: Uint8Array[] = [];
  const clientIds: number[] = [];
  for (let i = 0; i < count; i++) {
    const doc = new Y.Doc();
    doc.on("update", (update: Uint8Array) => updates.push(update));
    // Text is written once its paragraph is in the document: a detached XmlText with content
    // makes Yjs warn once per update ("Invalid access"), 3,000 lines through vitest's console.
    doc.transact(() => {
      const paragraph = new Y.XmlElement("paragraph");
      doc.getXmlFragment("body").push([paragraph]);
      const text = new Y.XmlText();
      paragraph.push([text]);
      text.insert(0, "新");
    });
    clientIds.push(doc.clientID);
    doc.destroy();
  }
  return { updates, clientIds };
}

/** How one story's log rows were written: rows, and the commits (one timestamp each) they came in. */
async function logShape(query: Query, articleId: string): Promise<{ rows: number; batches: number; largestBatch: number }> {
  const [shape] = await query<{ rows: number; batches: number; largest: number }>(
    `select coalesce(sum(n), 0)::int as rows, count(*)::int as batches, coalesce(max(n), 0)::int as largest
       from (select count(*) as n from article_updates where article_id = $1 group by created_at) per_commit`,
    [articleId],
  );
  return { rows: shape.rows, batches: shape.batches, largestBatch: shape.largest };
}

/** A trigger that makes the database refuse every new log row of one story. */
async function refuseCommitsOf(query: Query, articleId: string): Promise<void> {
  await query(`create or replace function refuse_story_commits() returns trigger language plpgsql as $$
    begin
      if new.article_id = '${articleId}'::uuid then raise exception 'test: this story refuses commits'; end if;
      return new;
    end $$`);
  await query(`create trigger refuse_story_commits before insert on article_updates
    for each row execute function refuse_story_commits()`);
}

async function allowCommitsAgain(query: Query): Promise<void> {
  await query("drop trigger if exists refuse_story_commits on article_updates");
  await query("drop function if exists refuse_story_commits()");
}

describe.each(backends())("commit path (%s)", (backend: Backend) => {
  let store: ServerStore;
  let server: TestServer;
  let attacker: string;
  let colleague: string;
  let owner: string;
  /** The burst goes here, the failing commits there; the colleague types in her own story. */
  const ids = { burst: "", failing: "", colleagues: "" };
  /** A named version of the failing story, older than its stored text (a restore changes it). */
  let firstVersion = 0;

  /** SQL on the store; PGlite's data directory belongs to one process, so the server pauses. */
  async function withSql<R>(run: (query: Query) => Promise<R>): Promise<R> {
    if (backend === "postgres") return withStoreSql(store, run);
    await server.stop();
    try {
      return await withStoreSql(store, run);
    } finally {
      server = await startTestServer(store, SERVER_ENV);
    }
  }

  beforeAll(async () => {
    store = await createStore(backend);
    server = await startTestServer(store, SERVER_ENV);
    attacker = await signIn(server.url, "yaoyuchao");
    colleague = await signIn(server.url, "xuweixiang");
    owner = await signIn(server.url, "zhoumi");
    ids.burst = await createArticle(server.url, attacker, "连发");
    ids.colleagues = await createArticle(server.url, colleague, "同事的稿");
    ids.failing = await createArticle(server.url, owner, "存不进");
    // Loaded once, so its first content is stored before its commits start failing.
    const first = connectClient(server.url, ids.failing, owner);
    await first.waitSynced();
    first.type("开头");
    await first.waitSaved(60_000);
    const named = await api<{ id: number }>(server.url, owner, "POST", `/api/articles/${ids.failing}/revisions`, { name: "第一版" });
    expect(named.status).toBe(201);
    firstVersion = named.body.id;
    first.type("第二段");
    await first.waitSaved(60_000);
    first.destroy();
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  }, 60_000);

  // Longer than the sum of the bounded waits inside, so a slow step fails with its own
  // message. One retry: in four full-suite runs on the 2-core CI machine one of the two
  // bulk tests (never the same one, never alone, on either store) outlived its timeout
  // with nothing logged. Each step is now named on failure (stepTracker), and the server
  // no longer handles a whole 64 KB read of frames in one go, which held it for seconds per
  // read under these bursts (frameTurns.ts). Until a full run shows where
  // it stood, the retry keeps the flake from hiding every other result; a second failure
  // still fails the run.
  it(
    `stores a burst of ${BURST_UPDATES} one-character updates in bounded batches while a colleague keeps saving`,
    { timeout: scenarioTimeout(BURST_UPDATES, 20, 360_000), retry: 1 },
    async ({ onTestFailed }) => {
      const step = stepTracker(onTestFailed, () => server.output(), "starting the bystander");
      const bystander = await startBystander(server, colleague, ids.colleagues, { pid: server.process.pid! });
      step("opening the burst sockets");
      const perSocket = Math.ceil(BURST_UPDATES / BURST_SOCKETS);
      const writers = await Promise.all(
        Array.from({ length: BURST_SOCKETS }, () => openRawWriter(server, ids.burst, attacker, perSocket)),
      );
      const started = performance.now();
      for (const writer of writers) writer.sendAll();
      step("waiting for the burst to be saved");
      // A close ends the wait at once (waitFor takes a throw for "not yet") and fails below.
      await waitFor(() => writers.some((writer) => writer.closeCode() !== null) || writers.every((writer) => writer.isSaved()), {
        timeoutMs: scenarioTimeout(BURST_UPDATES, 10),
        intervalMs: 100,
        message: "every burst update saved",
      });
      const closedEarly = writers.find((writer) => writer.closeCode() !== null);
      expect(closedEarly?.closeCode() ?? null, `a burst socket was closed; the server's last words:\n${server.output().slice(-3000)}`).toBeNull();
      const savedAfterMs = Math.round(performance.now() - started);
      step("stopping the bystander");
      const report = await bystander.stop();
      printBystanderFigures(`commit path burst (${backend}, ${BURST_UPDATES} updates)`, report);
      expect(report.allSaved, "the colleague's every keystroke saved").toBe(true);
      expect(report.answered).toBeGreaterThan(0);
      for (const writer of writers) writer.close();

      // A new edit after the burst is saved.
      step("a new edit after the burst");
      const after = connectClient(server.url, ids.burst, attacker);
      await after.waitSynced();
      expect((after.bodyText().match(/字/g) ?? []).length).toBe(perSocket * BURST_SOCKETS);
      after.type("完");
      await after.waitSaved(60_000);
      after.destroy();

      // Every update is in the stored document, written in statements of at most MAX_ROWS rows.
      step("reading the stored story");
      const { text, shape } = await withSql(async (query) => {
        const docs = await readStoredDocs(query, ids.burst);
        return { text: docs.loaded.getXmlFragment("body").toString(), shape: await logShape(query, ids.burst) };
      });
      expect((text.match(/字/g) ?? []).length).toBe(perSocket * BURST_SOCKETS);
      expect(text).toContain("完");
      // One row per writer and commit: the sockets share one account and session, so each
      // commit stored their updates as one merged row.
      expect(shape.rows).toBeLessThan(perSocket * BURST_SOCKETS);
      expect(shape.largestBatch).toBeLessThanOrEqual(MAX_ROWS);
      console.log(
        `[figures] commit path burst (${backend}): ${perSocket * BURST_SOCKETS} updates from ${BURST_SOCKETS} sockets all saved ` +
          `after ${savedAfterMs} ms; ${shape.rows} log rows in ${shape.batches} commits, largest ${shape.largestBatch} rows ` +
          `(limit ${MAX_ROWS})`,
      );
    },
  );

  it(
    "closes the writers of a story whose commits keep failing (4501) after bounded attempts, a restore into it " +
      "answers 503 and records no version; others keep saving",
    async () => {
      await withSql((query) => refuseCommitsOf(query, ids.failing));
      const logBefore = server.output().length;
      const bystander = await startBystander(server, colleague, ids.colleagues, { pid: server.process.pid! });
      const writer = await openRawWriter(server, ids.failing, owner, 20);
      writer.sendAll();
      const closed = await Promise.race([
        writer.closed,
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 120_000)),
      ]);
      expect(closed, "the failing story's writer was closed").not.toBeNull();
      expect(closed!.code).toBe(CLOSE_SAVE_FAILED);
      expect(closed!.reason).toBe("could not save, reloading");
      // A restore whose edit cannot be stored says so (503) and writes no "恢复到" version.
      const restore = await api<{ error: { code: string; message: string } }>(
        server.url,
        owner,
        "POST",
        `/api/articles/${ids.failing}/revisions/${firstVersion}/restore`,
      );
      expect(restore.status).toBe(503);
      expect(restore.body.error.code).toBe("save_failed");
      const { body: versions } = await api<{ revisions: { kind: string; name: string | null }[] }>(
        server.url,
        owner,
        "GET",
        `/api/articles/${ids.failing}/revisions`,
      );
      expect(versions.revisions.filter((revision) => revision.kind === "restore")).toEqual([]);
      // Nothing retries forever: the attempts stop at the limit and stay stopped.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const report = await bystander.stop();
      printBystanderFigures(`commit path failing story (${backend})`, report);
      expect(report.allSaved, "the colleague's every keystroke saved").toBe(true);
      expect(report.answered).toBeGreaterThan(0);
      const log = server.output().slice(logBefore);
      const retries = log.split(`update log commit of ${ids.failing} failed (attempt`).length - 1;
      const givenUp = log.split(`update log commit of ${ids.failing} failed ${MAX_ATTEMPTS} times`).length - 1;
      console.log(`[figures] commit path failing story (${backend}): ${retries} retries logged, given up ${givenUp} time(s)`);
      // Twice: the socket's updates, then the restore's.
      expect(retries).toBeLessThanOrEqual(2 * (MAX_ATTEMPTS - 1));
      expect(givenUp).toBe(2);

      // Once the database takes the story again, it saves again.
      await withSql((query) => allowCommitsAgain(query));
      const again = connectClient(server.url, ids.failing, owner);
      await again.waitSynced();
      again.type("又能存了");
      await again.waitSaved(60_000);
      expect(again.bodyText()).toContain("又能存了");
      again.destroy();
    },
    360_000,
  );

  it(
    `stores ${FRESH_CLIENT_UPDATES} updates from as many fresh Yjs client ids with their owners in bulk, a colleague saving meanwhile`,
    { timeout: scenarioTimeout(FRESH_CLIENT_UPDATES, 80, 360_000), retry: 1 },
    async ({ onTestFailed }) => {
      const step = stepTracker(onTestFailed, () => server.output(), "starting the bystander");
      // Made before the bystander starts: building 3,000 documents stalls this worker for
      // seconds, which its probe would count against the server.
      const fresh = freshClientUpdates(FRESH_CLIENT_UPDATES);
      const bystander = await startBystander(server, colleague, ids.colleagues, { pid: server.process.pid! });
      step("opening the writer");
      const writer = await openRawWriter(server, ids.burst, attacker, 1);
      writer.updates.push(...fresh.updates);
      const started = performance.now();
      writer.sendAll();
      step("waiting for the fresh-client updates to be saved");
      await waitFor(
        () => {
          const saved = writer.savedVector();
          return writer.closeCode() !== null || (writer.isSaved() && fresh.clientIds.every((id) => (saved.get(id) ?? 0) >= 1));
        },
        { timeoutMs: scenarioTimeout(FRESH_CLIENT_UPDATES, 40), intervalMs: 100, message: "every fresh-client update saved" },
      );
      // A close is a failure at once, with what the server said about it.
      expect(writer.closeCode(), `the writer's socket was closed; the server's last words:\n${server.output().slice(-3000)}`).toBeNull();
      const savedAfterMs = Math.round(performance.now() - started);
      step("stopping the bystander");
      const report = await bystander.stop();
      printBystanderFigures(`commit path fresh client ids (${backend}, ${FRESH_CLIENT_UPDATES} ids)`, report);
      expect(report.allSaved, "the colleague's every keystroke saved").toBe(true);
      expect(report.answered).toBeGreaterThan(0);
      writer.close();
      // A new edit afterwards is saved.
      step("a new edit afterwards");
      const after = connectClient(server.url, ids.burst, attacker);
      await after.waitSynced();
      after.type("再");
      await after.waitSaved(60_000);
      after.destroy();
      console.log(
        `[figures] commit path fresh client ids (${backend}): ${FRESH_CLIENT_UPDATES} updates under new client ids saved after ${savedAfterMs} ms`,
      );
    },
  );

  // PostgreSQL only: the embedded database has a single connection, owned by the server, so
  // nobody else can hold a lock on it.
  if (backend === "postgres") {
    it(
      "rides out a stall of the log table: saved in bounded batches afterwards, the server answering throughout",
      async () => {
        const bystander = await startBystander(server, colleague, ids.colleagues, { pid: server.process.pid! });
        const typist = connectClient(server.url, ids.burst, attacker);
        await typist.waitSynced();
        const locker = new pg.Client({ connectionString: store.env.DATABASE_URL });
        await locker.connect();
        await locker.query("begin");
        await locker.query("lock table article_updates in access exclusive mode");
        const lockedAt = new Date();
        let typed = 0;
        const typing = setInterval(() => {
          for (let i = 0; i < 50; i++) typist.type("停");
          typed += 50;
        }, 10);
        await new Promise((resolve) => setTimeout(resolve, 4000));
        clearInterval(typing);
        await locker.query("commit");
        await locker.end();
        await typist.waitSaved(120_000);
        const report = await bystander.stop();
        printBystanderFigures(`commit path table stall (${backend}, ${typed} keystrokes held)`, report);
        expect(report.allSaved).toBe(true);
        expect(report.answered).toBeGreaterThan(0);
        const shape = await withStoreSql(store, async (query) => {
          const [row] = await query<{ largest: number; batches: number; rows: number }>(
            `select coalesce(max(n), 0)::int as largest, count(*)::int as batches, coalesce(sum(n), 0)::int as rows from (
               select count(*) as n from article_updates where article_id = $1 and created_at >= $2 group by created_at) c`,
            [ids.burst, lockedAt],
          );
          return row;
        });
        // Every keystroke is in the stored story (saved above); merged, one row per writer and commit.
        expect(shape.rows).toBeGreaterThan(0);
        expect(shape.rows).toBeLessThan(typed);
        expect(shape.largest).toBeLessThanOrEqual(MAX_ROWS);
        console.log(
          `[figures] commit path table stall (${backend}): ${typed} keystrokes typed during a 4 s lock, ` +
            `${shape.rows} rows in ${shape.batches} commits after it, largest ${shape.largest} rows`,
        );
        typist.destroy();
      },
      240_000,
    );

    it("says a deletion is saved only once it is stored, although a deletion moves no Yjs clock", async () => {
      const MARKER = "这几个字要删掉";
      const deleter = connectClient(server.url, ids.burst, attacker);
      await deleter.waitSynced();
      deleter.type(MARKER);
      await deleter.waitSaved();
      const locker = new pg.Client({ connectionString: store.env.DATABASE_URL });
      await locker.connect();
      let savedWhileLocked: boolean;
      try {
        await locker.query("begin");
        await locker.query("lock table article_updates in access exclusive mode");
        const body = deleter.doc.getXmlFragment("body");
        const paragraph = body.get(body.length - 1) as Y.XmlElement;
        const text = paragraph.get(paragraph.length - 1) as Y.XmlText;
        text.delete(text.length - MARKER.length, MARKER.length);
        // Long enough for several receipt requests and "saved" messages; the lock holds the commit.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        savedWhileLocked = deleter.isSaved();
      } finally {
        await locker.query("commit");
        await locker.end();
      }
      await deleter.waitSaved(60_000);
      const stored = (await api<{ content: { text: string } }>(server.url, attacker, "GET", `/api/articles/${ids.burst}`)).body.content.text;
      deleter.destroy();
      console.log(`[figures] a deletion during a 2 s lock of the log: saved while locked ${savedWhileLocked}, stored after: ${!stored.includes(MARKER)}`);
      expect(savedWhileLocked, "a deletion read saved while its commit was held").toBe(false);
      expect(stored).not.toContain(MARKER);
    });

    it(
      "gives up on a story whose article row is locked elsewhere (4501) within bounded attempts; others save and transition",
      async () => {
        const stuckId = await createArticle(server.url, owner, "被锁住");
        const otherId = await createArticle(server.url, attacker, "照常送审");
        const first = connectClient(server.url, stuckId, owner);
        await first.waitSynced();
        first.type("锁前");
        await first.waitSaved(60_000);
        // Kept open, so the room stays loaded while the row is locked (an idle unload would
        // otherwise wait on the lock for its checkpoint).
        const bystander = await startBystander(server, colleague, ids.colleagues, { pid: server.process.pid! });
        const locker = new pg.Client({ connectionString: store.env.DATABASE_URL });
        await locker.connect();
        await locker.query("begin");
        await locker.query("select id from articles where id = $1 for update", [stuckId]);
        const logBefore = server.output().length;
        const writer = await openRawWriter(server, stuckId, owner, 20);
        writer.sendAll();
        // A transition of another story meanwhile is answered (it waits for its own story only).
        const submitted = await api(server.url, attacker, "POST", `/api/articles/${otherId}/transitions`, { action: "submit" });
        expect(submitted.status).toBe(200);
        const closed = await Promise.race([
          writer.closed,
          new Promise<null>((resolve) => setTimeout(() => resolve(null), MAX_ATTEMPTS * COMMIT_TIMEOUT_MS + 120_000)),
        ]);
        await locker.query("rollback");
        await locker.end();
        expect(closed, "the locked story's writer was closed").not.toBeNull();
        expect(closed!.code).toBe(CLOSE_SAVE_FAILED);
        expect(closed!.reason).toBe("could not save, reloading");
        const log = server.output().slice(logBefore);
        expect(log).toContain(`update log commit of ${stuckId} failed ${MAX_ATTEMPTS} times`);
        const report = await bystander.stop();
        printBystanderFigures(`commit path row lock (${backend}, timeout ${COMMIT_TIMEOUT_MS} ms)`, report);
        expect(report.allSaved, "the colleague's every keystroke saved").toBe(true);
        expect(report.answered).toBeGreaterThan(0);
        // The lock gone, the story saves again.
        const again = connectClient(server.url, stuckId, owner);
        await again.waitSynced();
        again.type("解锁后");
        await again.waitSaved(60_000);
        expect(again.bodyText()).toContain("解锁后");
        again.destroy();
        first.destroy();
        console.log(
          `[figures] commit path row lock (${backend}): the locked story's writer closed with ${closed!.code} after ` +
            `${MAX_ATTEMPTS} attempts of up to ${COMMIT_TIMEOUT_MS} ms; the other story's submit answered ${submitted.status}`,
        );
      },
      360_000,
    );
  }
});

/** A commit queue this small is overrun by the burst at once. */
const SMALL_QUEUE = 2000;
/** One story's share of it: the flooding story reaches this first, so only it is refused. */
const SMALL_STORY_SHARE = SMALL_QUEUE / 4;

describe.each(backends())("commit queue bound (%s)", (backend: Backend) => {
  let store: ServerStore;
  let server: TestServer;

  beforeAll(async () => {
    store = await createStore(backend);
    server = await startTestServer(store, {
      ...SERVER_ENV,
      COLLAB_COMMIT_QUEUE_MAX_UPDATES: String(SMALL_QUEUE),
      COLLAB_COMMIT_QUEUE_MAX_UPDATES_PER_STORY: String(SMALL_STORY_SHARE),
      // A database slower than the flood: the queue fills however the server paces the sockets'
      // frames (frameTurns.ts hands a burst over in shares, and quick commits kept up on PostgreSQL).
      COLLAB_COMMIT_DELAY_MS: "200",
    });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  }, 60_000);

  it(
    `closes the story that overruns its share (${SMALL_STORY_SHARE}) of a queue of ${SMALL_QUEUE} updates (4501), never a ` +
      "colleague's; what was saved stays, nothing unsaved is kept",
    async () => {
      const attacker = await signIn(server.url, "yaoyuchao");
      const colleague = await signIn(server.url, "xuweixiang");
      const burstId = await createArticle(server.url, attacker, "挤爆");
      const colleaguesId = await createArticle(server.url, colleague, "同事的稿");
      const logBefore = server.output().length;
      const bystander = await startBystander(server, colleague, colleaguesId, { pid: server.process.pid! });
      const writers = await Promise.all(
        Array.from({ length: BURST_SOCKETS }, () => openRawWriter(server, burstId, attacker, SMALL_QUEUE * 2)),
      );
      for (const writer of writers) writer.sendAll();
      const closes = await Promise.race([
        Promise.all(writers.map((writer) => writer.closed)),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 120_000)),
      ]);
      expect(closes, "every socket of the overrun story was closed").not.toBeNull();
      for (const close of closes!) {
        expect(close.code).toBe(CLOSE_SAVE_FAILED);
        expect(close.reason).toBe("server busy, could not save, reloading");
      }
      const report = await bystander.stop();
      printBystanderFigures(`commit queue bound (${backend}, queue ${SMALL_QUEUE})`, report);
      expect(report.allSaved, "the colleague's every keystroke saved").toBe(true);
      // The flood hit its own story's share; the colleague's story was never refused.
      const log = server.output().slice(logBefore);
      expect(log).toContain(`${burstId}: server busy, could not save, reloading (story's share of the commit queue full`);
      expect(log).not.toContain(`${colleaguesId}: server busy`);
      expect(report.answered).toBeGreaterThan(0);

      // The story reloads from the database: everything acknowledged is there, nothing more than was sent.
      const reader = connectClient(server.url, burstId, attacker);
      await reader.waitSynced();
      let acknowledged = 0;
      for (const writer of writers) {
        const saved = writer.savedVector().get(writer.doc.clientID) ?? 0;
        const reloaded = Y.getState(reader.doc.store, writer.doc.clientID);
        expect(reloaded).toBeGreaterThanOrEqual(saved);
        expect(reloaded).toBeLessThanOrEqual(Y.getState(writer.doc.store, writer.doc.clientID));
        acknowledged += saved;
      }
      reader.type("完");
      await reader.waitSaved(60_000);
      reader.destroy();
      console.log(
        `[figures] commit queue bound (${backend}): ${BURST_SOCKETS * SMALL_QUEUE * 2} updates sent, ` +
          `${acknowledged} Yjs items acknowledged as saved before the story was closed with 4501`,
      );
    },
    240_000,
  );
});
