import "server-only";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { Db, DatabaseTarget } from "./client";

const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "drizzle");

/** Applies the migrations in drizzle/ (the same files for both drivers). */
export async function migrateDatabase(db: Db, target: DatabaseTarget): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  if (target.kind === "pglite") await migratePglite(db as unknown as PgliteDatabase, config);
  else await migratePg(db as unknown as NodePgDatabase, config);
}
