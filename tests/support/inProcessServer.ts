import fs from "node:fs";
import path from "node:path";
import { loadEnv } from "../../server/env";
import { startServer, type RunningServer } from "../../server/startServer";
import { testServerEnv, type ServerStore } from "./testServer";

/** A server running inside the test worker (Hocuspocus's `newHocuspocus` idea). */
export interface InProcessServer {
  url: string;
  port: number;
  /** The worker's pid: the server's process is the test's own. */
  pid: number;
  /** Graceful stop: rooms stored, database closed, data directory released. */
  stop(): Promise<void>;
}

/** The one in-process server of this worker: the embedded database is one per process. */
let running: RunningServer | null = null;
/**
 * The session secret of this worker's first server. Next's bundle reads AUTH_SECRET once, when
 * Auth.js is first loaded, so every later server in the worker (the next backend of a
 * `describe.each`) must sign sessions with the same one.
 */
let workerSecret: string | undefined;

/**
 * Gives a store the worker's secret where a server keeps it: the store's AUTH_SECRET (PostgreSQL,
 * or a test's own),
 * or the embedded store's `auth-secret` file (written only when the store has none yet), so a
 * test reading the secret from its store still reads the live one.
 */
function adoptWorkerSecret(store: ServerStore): void {
  if (!workerSecret) return;
  if (store.env.DATABASE_URL || store.env.AUTH_SECRET) {
    store.env.AUTH_SECRET = workerSecret;
    return;
  }
  const secretFile = path.join(store.env.DATA_DIR, "auth-secret");
  if (!fs.existsSync(secretFile)) fs.writeFileSync(secretFile, workerSecret, { mode: 0o600 });
}

/**
 * Starts the real server (`startServer` of server/startServer.ts, the production Next build)
 * in this worker on a free port: no `tsx` child to boot, so a file's server is up in seconds.
 * Only one at a time per worker (PGlite lives on globalThis, db/client.ts); tests that need a
 * process to die use `startTestServer` instead. Needs NODE_ENV=production in the worker
 * (the server projects of vitest.config.ts set it).
 */
export async function startInProcessServer(store: ServerStore, extraEnv: Record<string, string> = {}): Promise<InProcessServer> {
  if (running) throw new Error("an in-process server is already running in this worker: stop it first");
  adoptWorkerSecret(store);
  const env = loadEnv(testServerEnv(store, extraEnv));
  // Limits read by modules at call time (e.g. SIGN_IN_LIMIT_WINDOW_MS) come from process.env.
  const previous = Object.fromEntries(Object.keys(extraEnv).map((key) => [key, process.env[key]]));
  Object.assign(process.env, extraEnv);
  const server = await startServer(env);
  running = server;
  workerSecret ??= process.env.AUTH_SECRET;
  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port,
    pid: process.pid,
    async stop() {
      await server.close();
      if (running === server) running = null;
      for (const [key, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
  };
}
