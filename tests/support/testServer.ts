import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPostgresDatabase, type Backend } from "./backends";
import { PGLITE_TEMPLATE_KEY, POSTGRES_TEMPLATE_KEY, TEMPLATE_DEMO_PASSWORD } from "./storeTemplate";

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
  const removeDir = async () => fs.rmSync(dataDir, { recursive: true, force: true });
  const templates = options.empty ? null : await storeTemplates();
  if (backend === "pglite") {
    if (templates?.pgliteDir) fs.cpSync(templates.pgliteDir, dataDir, { recursive: true });
    return { backend, env: { DATA_DIR: dataDir }, dispose: removeDir };
  }
  const database = await createPostgresDatabase(templates?.postgresDatabase || undefined);
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
 * Starts the real server (`server/index.ts`, production Next build) in a child process on a
 * free port, like `npm start` does, and waits until it listens.
 */
export async function startTestServer(store: ServerStore, extraEnv: Record<string, string> = {}): Promise<TestServer> {
  // An in-process server of this worker (inProcessServer.ts) leaves its secret in process.env;
  // a child gets a secret only from its store or the test, like a fresh `npm start`.
  const { AUTH_SECRET: _inProcessSecret, ...inherited } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: PROJECT_ROOT,
    env: {
      ...inherited,
      ...testServerEnv(store, extraEnv),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on http:\/\/localhost:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
    // A machine shared by several test suites may need longer (TEST_SERVER_START_TIMEOUT_MS).
    const startTimeoutMs = Number(process.env.TEST_SERVER_START_TIMEOUT_MS) || 60_000;
    setTimeout(() => reject(new Error(`server did not start in ${startTimeoutMs / 1000} s:\n${output}`)), startTimeoutMs).unref();
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
    output: () => output,
    stop: () => stopWith("SIGTERM"),
    kill: () => stopWith("SIGKILL"),
  };
}
