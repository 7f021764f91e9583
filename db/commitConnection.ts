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

/** Connections the log may hold: one writes; a second serves the retry of a commit abandoned on the first. */
const MAX_CONNECTIONS = 2;
/** An idle connection is let go after this long (the next keystroke then connects anew). */
const IDLE_MS = 60_000;
/** TCP keep-alive probes start after this much silence, so a NAT or firewall never drops the idle connection unseen. */
const KEEPALIVE_DELAY_MS = 10_000;

/**
 * The update log's own connection to PostgreSQL. The commit writer sends one batch at a time,
 * so one connection serves it; it stays open through pauses in typing (up to a minute), and
 * its session is told at connect, in the startup message itself, to give up waiting a little
 * before the writer does (`lock_timeout`, `statement_timeout`): a connection without those
 * limits cannot exist, and a statement the writer abandoned cannot commit after it. A commit
 * is then one statement, one round trip; it used to be a transaction setting both with SET
 * LOCAL first: begin, set, insert, commit. A connection that dies (the database restarted)
 * is dropped by the pool and the retry connects again; a second connection serves a retry
 * while an abandoned statement still holds the first. Session settings do not survive a
 * transaction-pooling proxy (PgBouncer): point DATABASE_URL at PostgreSQL or a session pool.
 */
export function openCommitConnection(url: string, timeoutMs: number): CommitConnection {
  const ms = Math.max(1, Math.floor(timeoutMs * 0.9));
  const pool = new pg.Pool({
    connectionString: url,
    max: MAX_CONNECTIONS,
    idleTimeoutMillis: IDLE_MS,
    connectionTimeoutMillis: timeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
    statement_timeout: ms,
    lock_timeout: ms,
  });
  // A dropped connection (database restarted) must not crash the process: the next commit
  // fails, is retried, and the pool connects again.
  pool.on("error", (err) => console.error("[db] update log connection error:", err.message));
  return { db: drizzle(pool, { schema }) as unknown as Db, close: () => pool.end() };
}
