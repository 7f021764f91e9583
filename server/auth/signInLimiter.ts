import "server-only";
import { and, desc, eq, gt, inArray, lt, or, sql } from "drizzle-orm";
import { getDb, type Db } from "../../db/client";
import { signInFailures } from "../../db/schema";
import { deviceCookieIn, provenDeviceId } from "./deviceCookie";
import { countersFor, secondsUntilFree, type LimitCounter, type SignInAttempt } from "./signInPolicy";
import { now as clockNow } from "../clock";

/**
 * Sign-in attempts per account, per address and per proven device, in a sliding window (rules
 * in signInPolicy.ts). Every attempt is reserved in its counters before its password is checked,
 * under one database lock, so concurrent attempts cannot all read "below the limit" and all go
 * through; an attempt that succeeds is taken back, one that fails stays as the failure. Kept in
 * the database (`sign_in_failures`), so every server process, and Next's bundle next to the
 * custom server, counts the same attempts.
 */

/** SIGN_IN_LIMIT_WINDOW_MS (documented in server/env.ts) shortens it for tests. */
const windowMs = () => Number(process.env.SIGN_IN_LIMIT_WINDOW_MS) || 15 * 60_000;

/** Any fixed number: every process takes the same transaction-scoped advisory lock. */
const SIGN_IN_LOCK_KEY = 7_260_532;

type Reader = Pick<Db, "select">;

async function waitFor(db: Reader, counter: LimitCounter, now: number): Promise<number> {
  const window = windowMs();
  const recent = await db
    .select({ at: signInFailures.failedAt })
    .from(signInFailures)
    .where(and(eq(signInFailures.scope, counter.scope), eq(signInFailures.key, counter.key), gt(signInFailures.failedAt, new Date(now - window))))
    .orderBy(desc(signInFailures.failedAt))
    .limit(counter.max);
  return secondsUntilFree(recent.map((r) => r.at.getTime()), counter.max, window, now);
}

async function longestWait(db: Reader, attempt: SignInAttempt, now: number): Promise<number> {
  let wait = 0;
  for (const counter of countersFor(attempt)) wait = Math.max(wait, await waitFor(db, counter, now));
  return wait;
}

/** Seconds until this attempt may be made, or 0; counts nothing (for a Retry-After). */
export async function signInRetryAfter(attempt: SignInAttempt, now = clockNow()): Promise<number> {
  return longestWait(getDb(), attempt, now);
}

/** An attempt let through: the counter rows it holds until it is known to have succeeded. */
export interface SignInReservation {
  attempt: SignInAttempt;
  rowIds: number[];
}

/**
 * Checks the attempt's counters and, when all have room, counts the attempt in them, in one
 * transaction under the sign-in lock. Answers the reservation, or the seconds to wait.
 */
export async function reserveSignInAttempt(
  attempt: SignInAttempt,
  now = clockNow(),
): Promise<{ reservation: SignInReservation } | { retryAfter: number }> {
  const db = getDb();
  const result = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SIGN_IN_LOCK_KEY})`);
    const retryAfter = await longestWait(tx, attempt, now);
    if (retryAfter > 0) return { retryAfter };
    const at = new Date(now);
    const rows = await tx
      .insert(signInFailures)
      .values(countersFor(attempt).map(({ scope, key }) => ({ scope, key, failedAt: at })))
      .returning({ id: signInFailures.id });
    return { reservation: { attempt, rowIds: rows.map((r) => r.id) } };
  });
  // Attempts older than the window count for nothing any more.
  await db.delete(signInFailures).where(lt(signInFailures.failedAt, new Date(now - windowMs())));
  return result;
}

/**
 * A successful sign-in takes its own attempt back and clears the failures of the counter that
 * judged it: the account's for an unknown device, the device's for a proven one. Never the
 * address's (one good password from an address does not excuse the others tried from it), and
 * a proven device's success does not reopen the account to the guesses that filled it.
 */
export async function recordSignInSuccess({ attempt, rowIds }: SignInReservation): Promise<void> {
  const cleared = attempt.deviceId
    ? and(eq(signInFailures.scope, "device"), eq(signInFailures.key, attempt.deviceId))
    : and(eq(signInFailures.scope, "account"), eq(signInFailures.key, attempt.username.toLowerCase()));
  await getDb()
    .delete(signInFailures)
    .where(rowIds.length > 0 ? or(cleared, inArray(signInFailures.id, rowIds)) : cleared);
}

/** The address the custom server saw the request come from (clients cannot set it). */
export const PEER_ADDRESS_HEADER = "x-newsroom-peer-address";

export function peerAddress(headers: Headers): string {
  return headers.get(PEER_ADDRESS_HEADER) ?? "unknown";
}

/** The attempt a request makes to sign in as `username`: its peer address and proven device. */
export function signInAttemptFrom(username: string, headers: Headers): SignInAttempt {
  return {
    username,
    address: peerAddress(headers),
    deviceId: provenDeviceId(deviceCookieIn(headers.get("cookie")), username),
  };
}
