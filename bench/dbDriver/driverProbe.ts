/**
 * Child process of the dbdriver scenario (bench/scenarios/dbDriver.ts): one way of running the
 * embedded database, busy with commits and reads the way a newsroom server is, beside a
 * WebSocket echo that stands for the socket relay. The scenario measures the echo's round trip
 * from another process while this one works.
 *
 * argv: driver (main | worker | worker-fsync | socket), data directory, window ms,
 * [pglite-socket install folder]. Prints "ready <port>", waits for "go" on stdin, works for the
 * window and prints "result <json>".
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import pg from "pg";
import { WebSocketServer } from "ws";
import { PgliteWorkerClient } from "../../db/pgliteWorkerClient";

const [driver, dataDir, windowArg, socketInstallDir] = process.argv.slice(2);
const WINDOW_MS = Number(windowArg);
/** Stories committing at once (the group-commit writer commits one batch per story). */
const WRITERS = 8;
/** Bytes per stored update row (the update log's mean row). */
const ROW_BYTES = 212;

type Db = ReturnType<typeof drizzlePglite>;

async function openDriver(): Promise<{ db: Db; close: () => Promise<void> }> {
  if (driver === "main") {
    const client = await PGlite.create(dataDir);
    return { db: drizzlePglite(client), close: () => client.close() };
  }
  if (driver === "worker" || driver === "worker-fsync") {
    const client = await PgliteWorkerClient.open({ dataDir, durable: driver === "worker-fsync", maxQueued: 10_000 });
    return { db: drizzlePglite(client as unknown as PGlite), close: () => client.close() };
  }
  if (driver === "socket") {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "socketServer.mjs");
    const child = spawn(process.execPath, [script, dataDir, socketInstallDir], { stdio: ["ignore", "pipe", "inherit"] });
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        const match = /listening (\d+)/.exec(chunk.toString());
        if (match) resolve(Number(match[1]));
      });
      child.once("exit", (code) => reject(new Error(`the pglite-socket child exited (${code})`)));
    });
    // pglite-socket serves one connection at a time: a pool of one, like PGlite itself.
    const pool = new pg.Pool({ host: "127.0.0.1", port, user: "postgres", database: "postgres", max: 1 });
    return {
      db: drizzlePg(pool) as unknown as Db,
      close: async () => {
        await pool.end();
        // Its data directory is a throwaway copy: no clean shutdown needed, and none waited for.
        child.kill("SIGKILL");
      },
    };
  }
  throw new Error(`unknown driver ${driver}`);
}

async function main() {
  const { db, close } = await openDriver();
  await db.execute(sql`create table if not exists bench_story (id int primary key, rows int not null default 0)`);
  await db.execute(sql`create table if not exists bench_log (id serial primary key, story int not null, data bytea not null)`);
  await db.execute(sql`insert into bench_story select g, 0 from generate_series(1, ${WRITERS}) g on conflict do nothing`);

  const echo = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  echo.on("connection", (socket) => socket.on("message", (data) => socket.send(data)));
  await new Promise((resolve) => echo.once("listening", resolve));
  console.log(`ready ${(echo.address() as { port: number }).port}`);
  await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));

  const deadline = Date.now() + WINDOW_MS;
  let commits = 0;
  let reads = 0;
  const payload = new Uint8Array(ROW_BYTES).fill(7);
  // One commit per story batch: the row, then the story's counter under its row lock.
  const writer = async (story: number) => {
    while (Date.now() < deadline) {
      await db.transaction(async (tx) => {
        await tx.execute(sql`insert into bench_log (story, data) values (${story}, ${payload})`);
        await tx.execute(sql`update bench_story set rows = rows + 1 where id = ${story}`);
      });
      commits++;
    }
  };
  // A history view: a read that keeps the database busy for tens of milliseconds.
  const reader = async () => {
    while (Date.now() < deadline) {
      await db.execute(sql`select count(*) from generate_series(1, 50000)`);
      reads++;
    }
  };
  await Promise.all([...Array.from({ length: WRITERS }, (_, i) => writer(i + 1)), reader()]);
  console.log(`result ${JSON.stringify({ commitsPerS: commits / (WINDOW_MS / 1000), readsPerS: reads / (WINDOW_MS / 1000) })}`);
  echo.close();
  await close();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
