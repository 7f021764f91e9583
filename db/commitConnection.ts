import "server-only";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import type { Db } from "./client";
import * as schema from "./schema";

/** The update log's own PostgreSQL connection, and how to let it go. */
export interface CommitConnection {
  db: Db;
  close(): Promise<void>;
}

/**
 * The update log's own connection to PostgreSQL. The commit writer sends one batch at a time,
 * so one connection serves it; it stays open through pauses in typing (a pool's idle timeout
 * would make the next keystroke after a pause wait for a new connection), and it is told once,
 * for its whole session, to give up waiting after `timeoutMs` (`lock_timeout`,
 * `statement_timeout`). A commit is then one statement, one round trip; it used to be a
 * transaction setting both with SET LOCAL first: begin, set, insert, commit.
 */
export function openCommitConnection(url: string, timeoutMs: number): CommitConnection {
  const ms = String(Math.max(1, Math.floor(timeoutMs)));
  const pool = new pg.Pool({ connectionString: url, max: 1, idleTimeoutMillis: 0 });
  // Queued on the new connection ahead of its first commit (a client runs its queries in order).
  pool.on("connect", (client) => {
    client
      .query("select set_config('lock_timeout', $1, false), set_config('statement_timeout', $1, false)", [ms])
      .catch((err: Error) => console.error("[db] update log connection setup failed:", err.message));
  });
  // A dropped connection (database restarted) must not crash the process: the next commit
  // fails, is retried, and the pool connects again.
  pool.on("error", (err) => console.error("[db] update log connection error:", err.message));
  return { db: drizzle(pool, { schema }) as unknown as Db, close: () => pool.end() };
}
