import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openDatabase, PGLITE_EXTENSIONS, type DatabaseTarget, type Db } from "../../db/client";
import type { ServerStore } from "./testServer";

type Query = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/**
 * Runs SQL straight against a test server's database, as an intruder or an operator would.
 * For PGlite the server must be stopped first (one process per data directory).
 */
export async function withStoreSql<R>(store: ServerStore, run: (query: Query) => Promise<R>): Promise<R> {
  if (store.backend === "pglite") {
    const db = await PGlite.create(path.join(store.env.DATA_DIR, "pglite"), { extensions: PGLITE_EXTENSIONS });
    try {
      return await run(async (sql, params) => (await db.query(sql, params)).rows as never);
    } finally {
      await db.close();
    }
  }
  const client = new pg.Client({ connectionString: store.env.DATABASE_URL });
  await client.connect();
  try {
    return await run(async (sql, params) => (await client.query(sql, params)).rows as never);
  } finally {
    await client.end();
  }
}

/** Where a test store keeps its data, as the server opens it (db/client.ts). */
export function storeTarget(store: ServerStore): DatabaseTarget {
  const url = store.env.DATABASE_URL;
  return url ? { kind: "postgres", url } : { kind: "pglite", dataDir: path.join(store.env.DATA_DIR, "pglite") };
}

/**
 * The store's database opened in this process as the server's own Drizzle handle (commands
 * and stores run against it without a server); close it with `closeDatabase`.
 */
export function openStoreDatabase(store: ServerStore): Promise<Db> {
  return openDatabase(storeTarget(store));
}
