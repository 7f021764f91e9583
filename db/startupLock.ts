import "server-only";
import pg from "pg";
import type { DatabaseTarget } from "./client";

/** Any fixed number; every process of the newsroom uses the same one. */
const STARTUP_LOCK_KEY = 7_260_531;

/**
 * Runs `work` (migrations, demo seed) while holding a PostgreSQL advisory lock, so several
 * processes starting at once take turns instead of racing on the same schema. PGlite belongs
 * to one process anyway (its data-directory lock), so there it just runs.
 */
export async function withStartupLock<T>(target: DatabaseTarget, work: () => Promise<T>): Promise<T> {
  if (target.kind !== "postgres") return work();
  // A session-level lock needs one connection for lock and unlock, not a pool.
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [STARTUP_LOCK_KEY]);
    return await work();
  } finally {
    await client.query("select pg_advisory_unlock($1)", [STARTUP_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}
