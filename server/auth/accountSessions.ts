import "server-only";
import { and, desc, eq, lt, ne, notInArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { accountSessions, revokedSessions } from "../../db/schema";
import { now } from "../clock";
import { revokeSession } from "./sessionRevocation";
import { SESSION_ABSOLUTE_MAX_MS, SESSION_MAX_AGE_S } from "./sessionLifetime";

/** Longest User-Agent kept: enough to tell a browser and a system apart. */
const MAX_DEVICE_LENGTH = 200;

/** One session as it began: when, from where, on what, how. */
export interface SessionStart {
  sessionId: string;
  userId: string;
  address: string;
  device: string;
  method: "password" | "oidc";
}

/** Records a new session; sessions past their absolute lifetime are forgotten meanwhile. */
export async function recordSession(db: Db, start: SessionStart): Promise<void> {
  const at = now();
  await db
    .insert(accountSessions)
    .values({ ...start, device: start.device.slice(0, MAX_DEVICE_LENGTH), signedInAt: new Date(at) })
    .onConflictDoNothing();
  await db.delete(accountSessions).where(lt(accountSessions.signedInAt, new Date(at - SESSION_ABSOLUTE_MAX_MS)));
}

/** An account's newest sign-ins, newest first. */
export async function recentSignIns(db: Db, userId: string, limit: number) {
  return db
    .select({
      sessionId: accountSessions.sessionId,
      signedInAt: accountSessions.signedInAt,
      address: accountSessions.address,
      device: accountSessions.device,
      method: accountSessions.method,
    })
    .from(accountSessions)
    .where(eq(accountSessions.userId, userId))
    .orderBy(desc(accountSessions.signedInAt))
    .limit(limit);
}

/**
 * Ends every session of an account (but `keep`, the one asking, when given): their cookies stop
 * working and their open sockets close at once (sessionEvents.ts). Returns how many ended.
 */
export async function endSessionsOf(db: Db, userId: string, keep?: string): Promise<number> {
  const alreadyEnded = db.select({ id: revokedSessions.sessionId }).from(revokedSessions);
  const live = await db
    .select({ sessionId: accountSessions.sessionId })
    .from(accountSessions)
    .where(
      and(
        eq(accountSessions.userId, userId),
        keep ? ne(accountSessions.sessionId, keep) : undefined,
        notInArray(accountSessions.sessionId, alreadyEnded),
      ),
    );
  // A revoked session cannot be renewed, so its cookie is dead within one idle lifetime.
  const expiresAt = new Date(now() + SESSION_MAX_AGE_S * 1000);
  for (const { sessionId } of live) await revokeSession(db, sessionId, expiresAt);
  return live.length;
}
