import "server-only";
import type { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import pg from "pg";
import { PgliteWorkerClient } from "./pgliteWorkerClient";
import * as schema from "./schema";

/** One database type for PGlite and PostgreSQL: the code above never asks which it has. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseTarget = { kind: "pglite"; dataDir: string } | { kind: "postgres"; url: string };

/** How the embedded database runs (server/env.ts: PGLITE_FSYNC, DB_WORKER_QUEUE_MAX). */
export interface EmbeddedOptions {
  /** A commit returns after its WAL is fsynced (survives a power cut, not only a killed process). */
  durable: boolean;
  /** Requests that may wait for the database worker before new ones are refused. */
  maxQueued: number;
}

/** Scripts and tests that open a store directly keep the defaults of server/env.ts. */
const DEFAULT_EMBEDDED: EmbeddedOptions = { durable: true, maxQueued: 2_000 };

interface OpenDatabase {
  target: DatabaseTarget;
  db: Db;
  close: () => Promise<void>;
  /** The embedded database's worker (absent on PostgreSQL). */
  worker?: PgliteWorkerClient;
}

/**
 * The custom server and Next's server bundle are two copies of this module in one process.
 * The open database lives on globalThis so both use the one PGlite instance: opening the data
 * directory twice would corrupt it.
 */
const GLOBAL_KEY = Symbol.for("newsroom.database");
type GlobalWithDb = typeof globalThis & { [GLOBAL_KEY]?: OpenDatabase };
const globalWithDb = globalThis as GlobalWithDb;

/**
 * The PostgreSQL extensions the migrations create (pg_trgm: the search index). PGlite loads an
 * extension's code only when it is named at open, so every PGlite open passes these.
 */
export const PGLITE_EXTENSIONS = { pg_trgm };

/** Opens the database for this process. Called once by the server entry (and by scripts). */
export async function openDatabase(target: DatabaseTarget, embedded: EmbeddedOptions = DEFAULT_EMBEDDED): Promise<Db> {
  if (globalWithDb[GLOBAL_KEY]) throw new Error("the database is already open in this process");
  let open: OpenDatabase;
  if (target.kind === "pglite") {
    // PGlite runs in its own thread; Drizzle drives the PGlite-shaped client of that worker.
    const worker = await PgliteWorkerClient.open({ dataDir: target.dataDir, ...embedded });
    open = {
      target,
      db: drizzlePglite(worker as unknown as PGlite, { schema }) as unknown as Db,
      close: () => worker.close(),
      worker,
    };
  } else {
    const pool = new pg.Pool({ connectionString: target.url, max: 10 });
    // An idle client's error (database restarted) must not crash the process.
    pool.on("error", (err) => console.error("[db] idle connection error:", err.message));
    open = {
      target,
      db: drizzlePg(pool, { schema }) as unknown as Db,
      close: () => pool.end(),
    };
  }
  globalWithDb[GLOBAL_KEY] = open;
  return open.db;
}

/** The database opened by this process's server entry. */
export function getDb(): Db {
  const open = globalWithDb[GLOBAL_KEY];
  if (!open) throw new Error("database not open: start the workbench with `npm start`");
  return open.db;
}

export function databaseTarget(): DatabaseTarget | undefined {
  return globalWithDb[GLOBAL_KEY]?.target;
}

/** The embedded database's worker of this process, if the embedded database is open. */
export function embeddedDatabaseWorker(): PgliteWorkerClient | undefined {
  return globalWithDb[GLOBAL_KEY]?.worker;
}

export async function closeDatabase(): Promise<void> {
  const open = globalWithDb[GLOBAL_KEY];
  if (!open) return;
  delete globalWithDb[GLOBAL_KEY];
  await open.close();
}
