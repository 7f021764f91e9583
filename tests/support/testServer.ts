import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPostgresDatabase, type Backend } from "./backends";
import { COMPILED_SERVER_KEY, PGLITE_TEMPLATE_KEY, POSTGRES_TEMPLATE_KEY, TEMPLATE_DEMO_PASSWORD } from "./storeTemplate";
export { TEST_HASH_COST } from "./storeTemplate";

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "../..");
export const DEMO_PASSWORD = TEMPLATE_DEMO_PASSWORD;

/** Where a test server keeps its data; survives restarts of the server process. */
export interface ServerStore {
  backend: Backend;
  env: Record<string, string>;
  /** Removes the data directory / drops the database. */
  dispose(): Promise<void>;
}

/**
 * A fresh store: under vitest a copy of the run's migrated, seeded template (PGlite directory
 * or PostgreSQL template database, tests/support/globalSetup.ts); outside it (the benchmarks)
 * an empty one that the server's first start creates. `{ empty: true }` always gives an empty
 * one, for tests about what a first start does.
 */
export async function createStore(backend: Backend, options: { empty?: boolean } = {}): Promise<ServerStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "newsroom-test-"));
  const removeDir = async () => {
    // A standby for this store would only wait for a start that never comes.
    if (standby?.envKey.includes(JSON.stringify(dataDir))) dropStandby();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const templates = options.empty ? null : await storeTemplates();
  if (backend === "pglite") {
    if (templates?.pgliteDir) fs.cpSync(templates.pgliteDir, dataDir, { recursive: true });
    return { backend, env: { DATA_DIR: dataDir }, dispose: removeDir };
  }
  // Under vitest, like PGLITE_FSYNC=0 for the embedded store (testServerEnv); benchmarks
  // measuring (no templates) see commits as deployed.
  const database = await createPostgresDatabase(templates?.postgresDatabase || undefined, { durableCommits: !templates });
  return {
    backend,
    env: {
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      SEED_DEMO: "1",
    },
    dispose: async () => {
      await database.drop();
      await removeDir();
    },
  };
}

/**
 * Hands the run's templates to a child process that makes stores of its own (the benchmark
 * smoke pass), through these variables.
 */
export const TEMPLATE_ENV = { pgliteDir: "NEWSROOM_TEST_PGLITE_TEMPLATE", postgresDatabase: "NEWSROOM_TEST_POSTGRES_TEMPLATE" } as const;

/** The templates the global setup made, or null when not running under vitest's setup. */
export async function storeTemplates(): Promise<{ pgliteDir: string; postgresDatabase: string } | null> {
  const fromParent = process.env[TEMPLATE_ENV.pgliteDir];
  if (fromParent) return { pgliteDir: fromParent, postgresDatabase: process.env[TEMPLATE_ENV.postgresDatabase] ?? "" };
  if (!process.env.VITEST) return null;
  try {
    const { inject } = await import("vitest");
    return { pgliteDir: inject(PGLITE_TEMPLATE_KEY), postgresDatabase: inject(POSTGRES_TEMPLATE_KEY) };
  } catch {
    return null;
  }
}

/**
 * Hands the run's compiled server entry (tests/support/globalSetup.ts) to a child process that
 * starts servers of its own (the benchmark smoke pass), through this variable.
 */
export const COMPILED_SERVER_ENV = "NEWSROOM_TEST_SERVER_ENTRY";

/** The run's compiled `server/index.ts`, once looked up; null: start children through tsx. */
let compiledEntry: Promise<string | null> | null = null;

/**
 * The compiled server entry this run made once (server/build/compileServer.ts), so a child
 * starts with plain `node` and skips the TypeScript loader; null outside vitest's setup (the
 * benchmarks run on their own) or with TEST_SERVER_TSX=1 (stack traces that name the .ts
 * sources, or timing the difference), where children start through tsx as `npm run dev` does.
 */
export function compiledServerEntry(): Promise<string | null> {
  compiledEntry ??= (async () => {
    if (process.env.TEST_SERVER_TSX === "1") return null;
    const fromParent = process.env[COMPILED_SERVER_ENV];
    if (fromParent) return fromParent;
    if (!process.env.VITEST) return null;
    try {
      const { inject } = await import("vitest");
      return inject(COMPILED_SERVER_KEY) || null;
    } catch {
      return null;
    }
  })();
  return compiledEntry;
}

/**
 * The settings of every test server, in a child process or in the worker: production Next on a
 * free port, the test demo password, rooms unloaded soon after their last client leaves.
 */
export function testServerEnv(store: ServerStore, extraEnv: Record<string, string>): Record<string, string> & { NODE_ENV: "production" } {
  return {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: "0",
    HOST: "127.0.0.1",
    DEMO_PASSWORD,
    COLLAB_ROOM_IDLE_MS: "200",
    // The suite kills processes, never the machine: the page cache is all a SIGKILL test needs,
    // and an fsync per commit (ms on this disk) would slow every file. The worker test
    // (embeddedDatabaseWorker.test.ts) and the benchmarks run with the default, fsync on.
    PGLITE_FSYNC: "0",
    // In-process servers share the event loop with their test's clients: after a long
    // synchronous stretch of a test (a trace replay) a client's pong is written only after the
    // server's overdue ping round judged it. Tests of the ping itself (silentColleague, the
    // offline e2e) set their own interval; the default (2 s) is checked in silentColleague.
    COLLAB_PING_INTERVAL_MS: "10000",
    ...store.env,
    ...extraEnv,
  };
}

export interface TestServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the server printed. */
  output(): string;
  /** Graceful stop (SIGTERM: rooms are stored first). */
  stop(): Promise<void>;
  /** Crash: SIGKILL, nothing gets a chance to run. */
  kill(): Promise<void>;
}

/**
 * A server process started ahead of its turn (standbyServerEntry.ts): its modules are loaded
 * while the current server runs, and it opens the data directory only when it is needed. Kept
 * for the next start with exactly the same environment, i.e. a restart of the same store.
 */
interface Standby {
  child: ChildProcess;
  /** The environment it was spawned with, compared as JSON. */
  envKey: string;
  /** Everything it printed so far (the server it becomes keeps this buffer). */
  output: () => string;
  /** Calls `listener` with everything printed so far, whenever more is printed. */
  onOutput: (listener: (all: string) => void) => void;
}

/** This worker's standby, if any: one at most. */
let standby: Standby | null = null;
/** The environment of this worker's last start, and how many starts in a row used it. */
let lastStartKey: string | null = null;
let startsInARow = 0;
/** Starts asked for and not yet listening (or failed). */
let startsInFlight = 0;
/**
 * A standby is made from the third start in a row with one environment: a file that restarts
 * its server once or twice does not pay for a process it would never use.
 */
const STARTS_BEFORE_STANDBY = 2;

function dropStandby(): void {
  if (!standby) return;
  if (standby.child.exitCode === null && standby.child.signalCode === null) standby.child.kill("SIGKILL");
  standby = null;
}

/** Every server child of this worker still running. */
const children = new Set<ChildProcess>();
// A worker that ends (a timed-out test never reaches its afterAll) leaves no server or standby
// behind to eat a shared machine's CPU.
process.once("exit", () => {
  dropStandby();
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

/**
 * Spawns a server child: the entry itself (compiled when the run compiled it), or the standby
 * entry that waits for a line on stdin.
 */
function spawnServer(env: NodeJS.ProcessEnv, entry: "server/index.ts" | "tests/support/standbyServerEntry.ts", compiled: string | null) {
  const args = entry === "server/index.ts" && compiled ? [compiled] : ["--import", "tsx", entry];
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env,
    stdio: [entry === "server/index.ts" ? "ignore" : "pipe", "pipe", "pipe"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  let output = "";
  const listeners: ((chunk: string) => void)[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener(output);
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  return {
    child,
    output: () => output,
    onOutput: (listener: (all: string) => void) => {
      listeners.push(listener);
    },
  };
}

/** The environment a server child of this store gets (see startTestServer). */
function childEnv(store: ServerStore, extraEnv: Record<string, string>): NodeJS.ProcessEnv {
  // An in-process server of this worker (inProcessServer.ts) leaves its secret in process.env;
  // a child gets a secret only from its store or the test, like a fresh `npm start`.
  const { AUTH_SECRET: _inProcessSecret, ...inherited } = process.env;
  return { ...inherited, ...testServerEnv(store, extraEnv) };
}

/**
 * Starts the real server (`server/index.ts`, production Next build) in a child process on a
 * free port, like `npm start` does, and waits until it listens. A test that restarts one store
 * with the same settings again and again (kills, restarts) gets, from the third start in a row,
 * a standby made after the previous start: it waits only for the database and Next to open.
 */
export async function startTestServer(store: ServerStore, extraEnv: Record<string, string> = {}): Promise<TestServer> {
  const env = childEnv(store, extraEnv);
  const envKey = JSON.stringify(env);
  const compiled = await compiledServerEntry();
  startsInFlight += 1;
  try {
    // Starts asked for together (a race for the data directory, a cluster) all get fresh
    // processes, so none of them is ahead of the others by the module load.
    await new Promise((resolve) => setImmediate(resolve));
    const alone = startsInFlight === 1;
    const usable = standby && standby.envKey === envKey && standby.child.exitCode === null && standby.child.signalCode === null;
    let spawned: ReturnType<typeof spawnServer>;
    if (alone && usable) {
      spawned = standby!;
      standby = null;
      spawned.child.stdin!.end("start\n");
    } else {
      dropStandby();
      spawned = spawnServer(env, "server/index.ts", compiled);
    }
    const server = await listeningServer(spawned);
    startsInARow = lastStartKey === envKey ? startsInARow + 1 : 1;
    lastStartKey = envKey;
    // With TEST_SERVER_STANDBY=1 the next restart of this store finds its process loaded.
    if (alone && startsInARow > STARTS_BEFORE_STANDBY && !standby && process.env.TEST_SERVER_STANDBY === "1") {
      standby = { ...spawnServer(env, "tests/support/standbyServerEntry.ts", compiled), envKey };
    }
    return server;
  } finally {
    startsInFlight -= 1;
  }
}

/** Waits until a spawned server child listens (or fails with what it printed). */
async function listeningServer(spawned: ReturnType<typeof spawnServer>): Promise<TestServer> {
  const { child, output } = spawned;
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
  const port = await new Promise<number>((resolve, reject) => {
    const check = (all: string) => {
      const match = /listening on http:\/\/localhost:(\d+)/.exec(all);
      if (match) resolve(Number(match[1]));
    };
    check(output());
    spawned.onOutput(check);
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${output()}`)));
    // A machine shared by several test suites may need longer (TEST_SERVER_START_TIMEOUT_MS).
    const startTimeoutMs = Number(process.env.TEST_SERVER_START_TIMEOUT_MS) || 60_000;
    setTimeout(() => reject(new Error(`server did not start in ${startTimeoutMs / 1000} s:\n${output()}`)), startTimeoutMs).unref();
  });
  const stopWith = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    process: child,
    output,
    stop: () => stopWith("SIGTERM"),
    kill: () => stopWith("SIGKILL"),
  };
}
