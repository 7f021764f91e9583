import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPostgresDatabase, type Backend } from "./backends";

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "../..");
export const DEMO_PASSWORD = "测试-demo-password";

/** Where a test server keeps its data; survives restarts of the server process. */
export interface ServerStore {
  backend: Backend;
  env: Record<string, string>;
  /** Removes the data directory / drops the database. */
  dispose(): Promise<void>;
}

export async function createStore(backend: Backend): Promise<ServerStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "newsroom-test-"));
  const removeDir = async () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (backend === "pglite") return { backend, env: { DATA_DIR: dataDir }, dispose: removeDir };
  const database = await createPostgresDatabase();
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
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: "0",
      HOST: "127.0.0.1",
      DEMO_PASSWORD,
      COLLAB_ROOM_IDLE_MS: "200",
      ...store.env,
      ...extraEnv,
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
    setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000).unref();
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
