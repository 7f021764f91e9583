import "server-only";
import { eq, lt } from "drizzle-orm";
import type { Db } from "../../db/client";
import { revokedSessions } from "../../db/schema";
import { announceSessionEnded } from "./sessionEvents";

/** Ends a session for good: its cookie, even copied elsewhere, no longer signs anyone in. */
export async function revokeSession(db: Db, sessionId: string, expiresAt: Date): Promise<void> {
  await db.insert(revokedSessions).values({ sessionId, expiresAt }).onConflictDoNothing();
  announceSessionEnded(sessionId);
  // Expired sessions are refused by their own expiry; their rows are no longer needed.
  await db.delete(revokedSessions).where(lt(revokedSessions.expiresAt, new Date()));
}

/** A session is live when it has an id (every session issued does) that was not signed out. */
export async function isSessionLive(db: Db, sessionId: unknown): Promise<boolean> {
  if (typeof sessionId !== "string" || sessionId.length === 0 || sessionId.length > 100) return false;
  const [row] = await db
    .select({ sessionId: revokedSessions.sessionId })
    .from(revokedSessions)
    .where(eq(revokedSessions.sessionId, sessionId))
    .limit(1);
  return !row;
}
