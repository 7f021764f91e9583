import type { SQL } from "drizzle-orm";
import { closeDatabase, type Db } from "../../db/client";
import { openCommitConnection } from "../../db/commitConnection";
import type { Backend } from "./backends";
import { openStoreDatabase } from "./storeSql";
import { createStore, type ServerStore } from "./testServer";

/**
 * A fresh store opened in this process for tests of the update log without a server: the
 * Drizzle handle, and on PostgreSQL the log's own connection (`db/commitConnection.ts`), as the
 * server sends its batches.
 */
export interface LogStore {
  store: ServerStore;
  db: Db;
  /** Where batches go (undefined on PGlite: the one database handle). */
  commitDb: Db | undefined;
  rows<T>(query: SQL): Promise<T[]>;
  close(): Promise<void>;
}

export async function openLogStore(backend: Backend): Promise<LogStore> {
  const store = await createStore(backend);
  const db = await openStoreDatabase(store);
  const url = store.env.DATABASE_URL;
  const commit = url ? openCommitConnection(url, 5000) : null;
  return {
    store,
    db,
    commitDb: commit?.db,
    rows: async <T>(query: SQL) => ((await db.execute(query)) as unknown as { rows: T[] }).rows,
    close: async () => {
      await commit?.close();
      await closeDatabase();
      await store.dispose();
    },
  };
}
