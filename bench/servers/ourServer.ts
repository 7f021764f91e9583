import { PGlite } from "@electric-sql/pglite";
import path from "node:path";
import pg from "pg";
import { PGLITE_EXTENSIONS } from "../../db/client";
import { loadEnv } from "../../server/env";
import { addMembers, createArticle, getArticle, signIn } from "../../tests/support/session";
import { createStore, startTestServer, type ServerStore, type TestServer } from "../../tests/support/testServer";
import { connectWebsocketClient } from "../clients/yWebsocketClient";
import { trackChild } from "../lib/childRegistry";
import { benchRoomIdleMs } from "../lib/roomIdle";
import { pinProcess, SERVER_CORE } from "../lib/cpuPin";
import { Probe, probeEnv } from "../probe/probeClient";
import type { ServerKind, ServerUnderTest } from "./serverUnderTest";

/** The four demo accounts; clients take seats round-robin so rooms hold several people. */
export const DEMO_USERS = ["yaoyuchao", "xuweixiang", "zhoumi", "huhongye"] as const;
/** Enough sockets per demo account for every scenario (see startOurServer). */
export const BENCH_CONNECTIONS_PER_USER = 100_000;
/** The desk editor (may change bylines) and the correspondents put on every story's byline. */
const EDITOR_SEAT = 3;
const CO_AUTHORS = ["xuweixiang", "zhoumi"];

/** Log + snapshots, the tables that grow with every edit. */
const STORAGE_SQL = `select pg_total_relation_size('article_updates') + pg_total_relation_size('article_snapshots') as log,
  (select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r') as all_tables,
  pg_relation_size('article_updates') as updates_heap,
  pg_indexes_size('article_updates') as updates_indexes,
  pg_total_relation_size('article_snapshots') as snapshots,
  (select count(*) from article_updates) as update_rows,
  (select coalesce(sum(octet_length("update")), 0) from article_updates) as update_payload,
  (select count(*) from article_snapshots) as snapshot_rows,
  (select coalesce(sum(octet_length(state)), 0) from article_snapshots) as snapshot_payload`;

export interface StorageBytes {
  /** article_updates + article_snapshots, with indexes and TOAST. */
  log: number;
  /** Every table of the schema (articles rows are rewritten on each commit too). */
  allTables: number;
  /** Where the log's bytes go (to find what to cut): */
  parts: {
    /** article_updates' table file, its indexes, and article_snapshots with everything. */
    updatesHeap: number;
    updatesIndexes: number;
    snapshots: number;
    /** Rows and the Yjs bytes they hold (before TOAST compression). */
    updateRows: number;
    updatePayload: number;
    snapshotRows: number;
    snapshotPayload: number;
  };
}

export interface OurServer extends ServerUnderTest {
  readonly backend: "pglite" | "postgres";
  readonly url: string;
  /** A session cookie of the demo account at `seat`. */
  cookie(seat: number): string;
  /**
   * Database size, measured with the server stopped gracefully (so open rooms are stored, as
   * they would be on any unload) and then started again; no client may be connected. PGlite
   * cannot be opened by a second process anyway; PostgreSQL is measured the same way so the
   * two backends are compared alike.
   */
  storageBytes(): Promise<StorageBytes>;
  /** The store's environment (data directory, database URL), for the trace loader. */
  readonly storeEnv: Record<string, string>;
  /** Stops the server but keeps its data, runs `work`, and starts it again. */
  whileStopped<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Kills the server (SIGKILL) and starts it again on the same data: for a server whose event
   * loop is stuck, which a graceful stop would wait for.
   */
  restartHard(): Promise<void>;
  /** Runs SQL on the store with the server stopped (PGlite has one owner at a time). */
  sqlWhileStopped(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
}

export interface OurServerOptions {
  /** Environment on top of the benchmark's (e.g. a `--variant` setting). */
  extraEnv?: Record<string, string>;
  /** The kind it is reported as (a variant's name); the backend's kind by default. */
  kind?: ServerKind;
}

/**
 * The environment our server runs with in the benchmark: configuration at its defaults (the
 * test launcher shortens the room idle time; we put the default back, or the smoke pass's short
 * one), the probe loaded.
 */
export function ourServerEnv(extraEnv: Record<string, string> = {}): Record<string, string> {
  const defaults = loadEnv({} as NodeJS.ProcessEnv);
  return {
    ...probeEnv(),
    COLLAB_ROOM_IDLE_MS: String(benchRoomIdleMs()),
    // The tests' launcher turns fsync off; the benchmark measures the default.
    PGLITE_FSYNC: defaults.PGLITE_FSYNC,
    // Likewise the launcher's longer ping interval (its clients share the server's loop).
    COLLAB_PING_INTERVAL_MS: String(defaults.COLLAB_PING_INTERVAL_MS),
    // Not at its default: four demo accounts stand in for up to 1500 people,
    // so the per-account socket cap (a safety limit, 64 by default) would refuse them.
    COLLAB_MAX_CONNECTIONS_PER_USER: String(BENCH_CONNECTIONS_PER_USER),
    // Likewise the per-account budgets (issue 10): each stand-in account carries the traffic of
    // hundreds of people, so it gets what that many sockets may send, and a new client id each.
    COLLAB_ACCOUNT_UPDATES_PER_SECOND: String(defaults.COLLAB_MAX_UPDATES_PER_SECOND * 1000 * BENCH_CONNECTIONS_PER_USER),
    COLLAB_ACCOUNT_UPDATE_BYTES_PER_SECOND: String(defaults.COLLAB_MAX_UPDATE_BYTES_PER_SECOND * 1000 * BENCH_CONNECTIONS_PER_USER),
    COLLAB_MAX_NEW_CLIENT_IDS_PER_MINUTE: String(BENCH_CONNECTIONS_PER_USER * 2),
    // The cold-open loader replays a 259,778-edit trace through one socket as fast as commits
    // allow, far past a person. A budget closes a socket, it never slows one, so below it the
    // figures are the same; the loader is simply not closed.
    COLLAB_MAX_UPDATES_PER_SECOND: String(defaults.COLLAB_MAX_UPDATES_PER_SECOND * 1000),
    COLLAB_MAX_UPDATE_BYTES_PER_SECOND: String(defaults.COLLAB_MAX_UPDATE_BYTES_PER_SECOND * 1000),
    ...extraEnv,
  };
}

/** Tracks, pins and attaches the probe to a server process just started by the tests' launcher. */
export async function attachOurProcess(server: TestServer): Promise<Probe> {
  trackChild(server.process);
  pinProcess(server.process.pid!, SERVER_CORE);
  return Probe.attach(server.process.pid!);
}

/** Session cookies of the four demo accounts, in seat order. */
export function signInDemoUsers(url: string): Promise<string[]> {
  return Promise.all(DEMO_USERS.map((user) => signIn(url, user)));
}

/**
 * A story all four seats may write: the reporter starts it and the desk puts the
 * correspondents on its byline (only byline members and the desk may edit a draft).
 */
export async function createBenchStory(url: string, cookies: readonly string[], title: string): Promise<string> {
  const id = await createArticle(url, cookies[0], title);
  await addMembers(url, cookies[EDITOR_SEAT], id, CO_AUTHORS);
  return id;
}

/**
 * Our server as users run it: production build, auth on, persistence on, configuration at
 * its defaults (see ourServerEnv).
 */
export async function startOurServer(backend: "pglite" | "postgres", options: OurServerOptions = {}): Promise<OurServer> {
  const store = await createStore(backend);
  // --profile: the probe profiles our server from boot to stop (node's --cpu-prof is not
  // allowed in NODE_OPTIONS, and the tests' launcher fixes the command line).
  const profileDir = process.env.BENCH_PROFILE_DIR;
  let profiles = 0;
  const env = ourServerEnv(options.extraEnv);
  let server!: TestServer;
  let probe!: Probe;
  let cookies: string[] = [];

  const boot = async () => {
    server = await startTestServer(store, env);
    probe = await attachOurProcess(server);
    if (profileDir) await probe.startProfile();
    cookies = await signInDemoUsers(server.url);
  };
  await boot();

  const stopServer = async () => {
    if (profileDir) await probe.stopProfile(path.join(profileDir, `${(options.kind ?? backend).replace(/[^\w.=-]+/g, "_")}-${server.process.pid}-${++profiles}.cpuprofile`));
    await server.stop();
  };

  const whileStopped = async <T>(work: () => Promise<T>): Promise<T> => {
    await stopServer();
    try {
      return await work();
    } finally {
      await boot();
    }
  };

  return {
    kind: options.kind ?? (backend === "pglite" ? "ours-pglite" : "ours-postgres"),
    backend,
    get url() {
      return server.url;
    },
    get pid() {
      return server.process.pid!;
    },
    get probe() {
      return probe;
    },
    storeEnv: store.env,
    output: () => server.output(),
    cookie: (seat) => cookies[seat % cookies.length],
    newDocument: (title = "") => createBenchStory(server.url, cookies, title),
    connect: (docName, seat) => connectWebsocketClient(server.url, docName, cookies[seat % cookies.length], { acknowledges: true }),
    storedText: async (docName) => (await getArticle(server.url, cookies[0], docName)).content.text,
    async storageBytes() {
      const [row] = await whileStopped(() => queryStore(store, STORAGE_SQL));
      return {
        log: Number(row.log),
        allTables: Number(row.all_tables),
        parts: {
          updatesHeap: Number(row.updates_heap),
          updatesIndexes: Number(row.updates_indexes),
          snapshots: Number(row.snapshots),
          updateRows: Number(row.update_rows),
          updatePayload: Number(row.update_payload),
          snapshotRows: Number(row.snapshot_rows),
          snapshotPayload: Number(row.snapshot_payload),
        },
      };
    },
    async restartHard() {
      await server.kill();
      await boot();
    },
    sqlWhileStopped: (sql, params) => whileStopped(() => queryStore(store, sql, params)),
    whileStopped,
    async stop() {
      await stopServer();
      await store.dispose();
    },
  };
}

/** One query against the store's database from this process (the server must be stopped). */
async function queryStore(store: ServerStore, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (store.backend === "postgres") {
    const client = new pg.Client({ connectionString: store.env.DATABASE_URL });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  }
  const db = await PGlite.create(path.join(store.env.DATA_DIR, "pglite"), { extensions: PGLITE_EXTENSIONS });
  try {
    return (await db.query<Record<string, unknown>>(sql, params)).rows;
  } finally {
    await db.close();
  }
}
