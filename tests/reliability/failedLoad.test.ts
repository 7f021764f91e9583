// Issue 7, promise 2: a failed load never wipes a story. A real database error while a room
// loads must refuse the connection (close 4500, no document byte), leave every stored row of
// the story byte-identical, and the next load must succeed. Method: docs/RELIABILITY.md §2.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CLOSE_LOAD_FAILED } from "../../newsroom/collabMessages";
import { backends } from "../support/backends";
import { connectClient, rawConnect, type CollabClient, type RawOutcome } from "../support/collabClient";
import { collabUrl, pointAt, scenarioCount, scenarioTimeout } from "../support/reliability";
import { createArticle, createTeamStory, getArticle, signIn } from "../support/session";
import { withStoreSql } from "../support/storeSql";
import { readStoryRows, storiesRows, type StoryRows } from "../support/storedStory";
import { createStore, startTestServer, type ServerStore, type TestServer } from "../support/testServer";
import { waitFor } from "../support/wait";

const REPEATS = scenarioCount("RELIABILITY_FAILED_LOAD_REPEATS", 1, 10);
/** Updates written before the first restart: past the snapshot limits set below, so the story
 * is stored as a snapshot plus a tail, the shape where a half-read load could lose words. */
const ROWS_BEFORE_SNAPSHOT = 220;
const TAIL_ROWS = 15;
/**
 * A writer's keystrokes of one commit batch are stored as one row, so the smallest snapshot
 * limits make sure the written stories are stored as a snapshot plus a tail when unloaded.
 */
const SMALL_SNAPSHOT_TAIL = { STORY_SNAPSHOT_TAIL_ROWS: "10", STORY_SNAPSHOT_TAIL_BYTES: "1024" };
/** How long a server query waits for a lock before PostgreSQL cancels it with an error. */
const SERVER_LOCK_TIMEOUT_MS = 500;

process.setMaxListeners(0);

/** A story with content, as it stood when its writer left. */
interface WrittenStory {
  id: string;
  title: string;
  body: string;
}

/** One writer types `rows` updates into a story (new paragraph every 20) and waits until saved. */
async function writeInto(server: TestServer, cookie: string, id: string, rows: number, label: string): Promise<string> {
  const writer = connectClient(server.url, id, cookie);
  await writer.waitSynced();
  for (let i = 0; i < rows; i++) {
    if (i > 0 && i % 20 === 0) writer.doc.getXmlFragment("body").push([new Y.XmlElement("paragraph")]);
    writer.type(`${label}第${i}句。`);
  }
  await writer.waitSaved(60_000);
  const body = writer.bodyText();
  writer.destroy();
  return body;
}

/**
 * Stories with a snapshot and a tail: written, stored by a graceful stop (the unload folds the
 * log into a snapshot), written a little more, stopped again. Returns the server restarted with
 * no room loaded (every load after this is a first load in this process).
 */
async function prepareWrittenStories(
  store: ServerStore,
  server: TestServer,
  count: number,
  serverEnv: Record<string, string>,
): Promise<{ server: TestServer; stories: WrittenStory[] }> {
  const editor = await signIn(server.url, "huhongye");
  const reporter = await signIn(server.url, "yaoyuchao");
  const stories: WrittenStory[] = [];
  for (let i = 0; i < count; i++) {
    const title = `载入失败-${i}`;
    const id = await createTeamStory(server.url, editor, title);
    await writeInto(server, reporter, id, ROWS_BEFORE_SNAPSHOT, `甲${i}`);
    stories.push({ id, title, body: "" });
  }
  await server.stop();
  server = await startTestServer(store, serverEnv);
  for (const story of stories) story.body = await writeInto(server, reporter, story.id, TAIL_ROWS, "乙");
  await server.stop();
  server = await startTestServer(store, serverEnv);
  return { server, stories };
}

/** Opens a raw socket to a story: what the server sent before closing, and its close code. */
function rawOpen(server: TestServer, id: string, cookie: string): Promise<RawOutcome> {
  return rawConnect(`${collabUrl(server)}/${id}`, { cookie }, { waitMs: 20_000 });
}

/** A stock client whose refused attempts (close 4500) are counted; it keeps retrying. */
function refusalCountingClient(server: TestServer, id: string, cookie: string): { client: CollabClient; refusals: () => number } {
  const client = connectClient(server.url, id, cookie);
  let refusals = 0;
  client.provider.on("connection-close", (event) => {
    if (event?.code === CLOSE_LOAD_FAILED) refusals += 1;
  });
  return { client, refusals: () => refusals };
}

/** A refused open: the socket opened, not one document byte came, and it closed with 4500. */
function expectRefused(outcome: RawOutcome, what: string): void {
  expect(outcome.opened, `${what}: handshake`).toBe(true);
  expect(outcome.messages.length, `${what}: bytes sent before refusing`).toBe(0);
  expect(outcome.closeCode, `${what}: close code`).toBe(CLOSE_LOAD_FAILED);
}

/** Rows of a story still being opened for the first time: exactly the one first-content row. */
function expectSeededOnce(before: StoryRows, after: StoryRows): void {
  expect(before.article_updates).toEqual([]);
  expect(after.article_updates).toHaveLength(1);
  expect(after.article_snapshots).toEqual(before.article_snapshots);
  expect(after.article_revisions).toEqual(before.article_revisions);
}

/**
 * The server's own account of a refused load: the query that met the database error (Drizzle
 * logs the failed query; the driver's message is its cause), so the refusal is the fault's.
 */
function expectLoadError(server: TestServer, id: string, error: RegExp): void {
  const lines = server.output().split("\n").filter((line) => line.includes(`could not open ${id}:`));
  expect(lines.length, `the server logged the failed load of ${id}`).toBeGreaterThan(0);
  expect(lines[0]).toMatch(error);
}

interface Tally {
  /** Failed loads provoked: (fault, story) pairs. */
  provoked: number;
  /** Connections refused with 4500 (raw sockets and the stock client's retries). */
  refused: number;
  /** Stories with any stored row different after a failed load. */
  rowsChanged: number;
  /** Stories that loaded once the fault was gone, of those that met one. */
  loadedAfter: number;
  stories: number;
}

const figure = (backend: string, tally: Tally, how: string) =>
  `promise 2 (${backend}): failed loads provoked: ${tally.provoked} (${how}), connections refused with 4500: ${tally.refused}, ` +
  `stories with a stored row changed: ${tally.rowsChanged}, next load succeeded: ${tally.loadedAfter}/${tally.stories} stories`;

/**
 * A database fault provoked from a side connection of our own while the server runs. The
 * server's sessions have lock_timeout set, so a query that meets the lock fails with a real
 * PostgreSQL error ("canceling statement due to lock timeout") instead of waiting.
 */
interface PostgresFault {
  name: string;
  /** A written story, or a new one whose first content the failed load was about to write. */
  story: "written" | "new";
  /** The server's failed query, as it logs it. */
  failedQuery: RegExp;
  provoke(side: pg.Client): Promise<void>;
  /** Reads the story's rows while the fault still holds, then ends the fault. */
  readThenEnd(side: pg.Client, id: string): Promise<StoryRows>;
}

const sideQuery = (side: pg.Client) => async <T,>(sql: string, params?: unknown[]) => (await side.query(sql, params)).rows as T[];

const lockFault = (table: string, mode: string, story: PostgresFault["story"], name: string, failedQuery: RegExp): PostgresFault => ({
  name,
  story,
  failedQuery,
  provoke: async (side) => {
    await side.query("begin");
    await side.query(`lock table ${table} in ${mode} mode`);
  },
  readThenEnd: async (side, id) => {
    // The lock holder itself may read: these are the rows as they stand after the failed loads.
    const rows = await readStoryRows(sideQuery(side), id);
    await side.query("rollback");
    return rows;
  },
});

const POSTGRES_FAULTS: PostgresFault[] = [
  lockFault("article_snapshots", "access exclusive", "written", "snapshots locked: the first read fails", /from "?article_snapshots"?/),
  lockFault(
    "article_updates",
    "access exclusive",
    "written",
    "log locked: the tail read fails after the snapshot was read",
    /from "?article_updates"?/,
  ),
  lockFault(
    "article_clients",
    "access exclusive",
    "written",
    "client owners locked: fails after the whole document was read",
    /from "?article_clients"?/,
  ),
  lockFault(
    "articles",
    "exclusive",
    "new",
    "article row locks refused: a new story's first content cannot be written",
    /from "?articles"? .*for update/,
  ),
  {
    name: "log table renamed away: relation does not exist",
    story: "written",
    failedQuery: /from "?article_updates"?/,
    provoke: async (side) => {
      await side.query("alter table article_updates rename to article_updates_parked");
    },
    readThenEnd: async (side, id) => {
      await side.query("begin");
      await side.query("alter table article_updates_parked rename to article_updates");
      // Still inside the renaming transaction: the server waits, so nothing can load in between.
      const rows = await readStoryRows(sideQuery(side), id);
      await side.query("commit");
      return rows;
    },
  },
];

describe.each(backends())("promise 2: a failed load never wipes a story (%s)", (backend) => {
  let store: ServerStore;
  let server: TestServer;
  let serverEnv: Record<string, string> = { ...SMALL_SNAPSHOT_TAIL };

  beforeAll(async () => {
    store = await createStore(backend);
    if (backend === "postgres") {
      const url = new URL(store.env.DATABASE_URL);
      url.searchParams.set("options", `-c lock_timeout=${SERVER_LOCK_TIMEOUT_MS}`);
      serverEnv = { ...SMALL_SNAPSHOT_TAIL, DATABASE_URL: url.toString() };
    }
    server = await startTestServer(store, serverEnv);
  });
  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  });

  if (backend === "postgres") {
    it(
      `a lock or a missing table while a room loads refuses it, changes no row, and the next load succeeds (${POSTGRES_FAULTS.length} faults × ${REPEATS})`,
      async () => {
        const editor = await signIn(server.url, "huhongye");
        const writtenCount = POSTGRES_FAULTS.filter((f) => f.story === "written").length * REPEATS;
        const prepared = await prepareWrittenStories(store, server, writtenCount, serverEnv);
        server = prepared.server;
        const written = prepared.stories;
        const tally: Tally = { provoked: 0, refused: 0, rowsChanged: 0, loadedAfter: 0, stories: 0 };
        const reader = new pg.Client({ connectionString: store.env.DATABASE_URL });
        const side = new pg.Client({ connectionString: store.env.DATABASE_URL });
        await reader.connect();
        await side.connect();
        try {
          for (let repeat = 0; repeat < REPEATS; repeat++) {
            for (const fault of POSTGRES_FAULTS) {
              const story =
                fault.story === "written"
                  ? written.shift()!
                  : { id: await createArticle(server.url, editor, `新稿-${repeat}`), title: `新稿-${repeat}`, body: "" };
              const before = await readStoryRows(sideQuery(reader), story.id);
              if (fault.story === "written") expect(before.article_snapshots.length, "a snapshot and a tail").toBeGreaterThan(0);
              tally.stories += 1;
              await fault.provoke(side);
              let after: StoryRows;
              let client: CollabClient;
              try {
                tally.provoked += 1;
                expectRefused(await rawOpen(server, story.id, editor), fault.name);
                expectLoadError(server, story.id, fault.failedQuery);
                tally.refused += 1;
                const counting = refusalCountingClient(server, story.id, editor);
                client = counting.client;
                await waitFor(() => counting.refusals() >= 2, { timeoutMs: 30_000, message: `two refusals (${fault.name})` });
                expect(client.provider.synced).toBe(false);
                tally.refused += counting.refusals();
              } finally {
                after = await fault.readThenEnd(side, story.id);
              }
              if (JSON.stringify(after) !== JSON.stringify(before)) tally.rowsChanged += 1;
              expect(after, `rows after the failed loads (${fault.name})`).toEqual(before);

              // The same client, retrying on its own, now gets the story.
              await client.waitSynced();
              expect(client.titleText()).toBe(story.title);
              expect(client.doc.getXmlFragment("title").length).toBe(1);
              expect(client.bodyText()).toBe(story.body);
              client.destroy();
              const loaded = await readStoryRows(sideQuery(reader), story.id);
              if (fault.story === "written") expect(loaded, "a successful load writes nothing").toEqual(before);
              else expectSeededOnce(before, loaded);
              expect((await getArticle(server.url, editor, story.id)).content).toEqual({ title: story.title, text: story.body });
              tally.loadedAfter += 1;
            }
          }
        } finally {
          await side.end();
          await reader.end();
          // Printed on failure too: how far the faults went.
          console.log(figure(backend, tally, POSTGRES_FAULTS.map((f) => f.name.split(":")[0]).join("; ")));
        }
      },
      scenarioTimeout(REPEATS * POSTGRES_FAULTS.length, 60_000),
    );
  } else {
    // PGlite is embedded: the server process holds the database's only session, so no second
    // session can lock or alter a table while it runs, and an in-process fault would need a
    // mock. The real fault here is an operator's: a table renamed away while the server is
    // stopped. Loads then fail with "relation does not exist"; the table is put back with the
    // server stopped again, and a new process loads the story.
    it(
      `a missing table while a room loads refuses it, changes no row, and the load after the repair succeeds (${REPEATS}×)`,
      async () => {
        const tally: Tally = { provoked: 0, refused: 0, rowsChanged: 0, loadedAfter: 0, stories: 0 };
        try {
          for (let repeat = 0; repeat < REPEATS; repeat++) {
            const prepared = await prepareWrittenStories(store, server, 1, serverEnv);
            server = prepared.server;
            const [story] = prepared.stories;
            const editor = await signIn(server.url, "huhongye");
            const fresh = { id: await createArticle(server.url, editor, `新稿-${repeat}`), title: `新稿-${repeat}`, body: "" };
            await server.stop();
            const [before, freshBefore] = await storiesRows(store, [story.id, fresh.id]);
            expect(before.article_snapshots.length, "a snapshot and a tail").toBeGreaterThan(0);
            tally.stories += 2;

            let client: CollabClient | null = null;
            let refusals = () => 0;
            for (const table of ["article_updates", "article_snapshots"]) {
              await withStoreSql(store, (query) => query(`alter table ${table} rename to ${table}_parked`));
              server = await startTestServer(store, serverEnv);
              tally.provoked += 2;
              expectRefused(await rawOpen(server, story.id, editor), `${table} missing, written story`);
              expectRefused(await rawOpen(server, fresh.id, editor), `${table} missing, new story`);
              expectLoadError(server, story.id, new RegExp(`from "?${table}"?`));
              expectLoadError(server, fresh.id, new RegExp(`from "?${table}"?`));
              tally.refused += 2;
              if (!client) {
                const counting = refusalCountingClient(server, story.id, editor);
                client = counting.client;
                refusals = counting.refusals;
              } else {
                pointAt([client], server);
              }
              const seen = refusals();
              await waitFor(() => refusals() >= seen + 2, { timeoutMs: 30_000, message: `two refusals (${table} missing)` });
              tally.refused += refusals() - seen;
              await server.stop();
              // The repair and the rows read through one opening of the store.
              const [after, freshAfter] = await withStoreSql(store, async (query) => {
                await query(`alter table ${table}_parked rename to ${table}`);
                return [await readStoryRows(query, story.id), await readStoryRows(query, fresh.id)];
              });
              if (JSON.stringify(after) !== JSON.stringify(before)) tally.rowsChanged += 1;
              if (JSON.stringify(freshAfter) !== JSON.stringify(freshBefore)) tally.rowsChanged += 1;
              expect(after, `written story's rows after failed loads (${table} missing)`).toEqual(before);
              expect(freshAfter, `new story's rows after failed loads (${table} missing)`).toEqual(freshBefore);
            }

            server = await startTestServer(store, serverEnv);
            pointAt([client!], server);
            await client!.waitSynced();
            expect(client!.titleText()).toBe(story.title);
            expect(client!.bodyText()).toBe(story.body);
            client!.destroy();
            const opener = connectClient(server.url, fresh.id, editor);
            await opener.waitSynced();
            expect(opener.titleText()).toBe(fresh.title);
            expect(opener.doc.getXmlFragment("body").length).toBe(1);
            opener.destroy();
            expect((await getArticle(server.url, editor, story.id)).content).toEqual({ title: story.title, text: story.body });
            await server.stop();
            const [loadedRows, freshLoadedRows] = await storiesRows(store, [story.id, fresh.id]);
            expect(loadedRows, "a successful load writes nothing").toEqual(before);
            expectSeededOnce(freshBefore, freshLoadedRows);
            tally.loadedAfter += 2;
            server = await startTestServer(store, serverEnv);
          }
        } finally {
          // Printed on failure too: how far the faults went.
          console.log(figure(backend, tally, "log table or snapshot table missing, written and new stories"));
        }
      },
      scenarioTimeout(REPEATS, 120_000),
    );
  }
});
