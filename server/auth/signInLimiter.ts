import { and, desc, eq, gt, lt } from "drizzle-orm";
import { getDb } from "../../db/client";
import { signInFailures } from "../../db/schema";

/**
 * Failed sign-ins per account and per address, in a sliding window. Past the limit, sign-in is
 * refused until the oldest failure leaves the window (so the real user is never locked out for
 * good), whatever the password. Kept in the database, so several server processes (and Next's
 * bundle next to the custom server) count the same attempts.
 */
/** SIGN_IN_LIMIT_WINDOW_MS (documented in server/env.ts) shortens it for tests. */
const windowMs = () => Number(process.env.SIGN_IN_LIMIT_WINDOW_MS) || 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 10;
export const MAX_FAILURES_PER_ADDRESS = 50;

type Scope = "account" | "address";

/** Seconds until this key may try again, or 0. */
async function waitFor(scope: Scope, key: string, max: number, now: number): Promise<number> {
  const recent = await getDb()
    .select({ failedAt: signInFailures.failedAt })
    .from(signInFailures)
    .where(and(eq(signInFailures.scope, scope), eq(signInFailures.key, key), gt(signInFailures.failedAt, new Date(now - windowMs()))))
    .orderBy(desc(signInFailures.failedAt))
    .limit(max);
  if (recent.length < max) return 0;
  const oldestCounted = recent[max - 1].failedAt.getTime();
  return Math.max(1, Math.ceil((oldestCounted + windowMs() - now) / 1000));
}

/** Seconds until sign-in may be tried again for this account or address, or 0 when it may now. */
export async function signInRetryAfter(username: string, address: string, now = Date.now()): Promise<number> {
  const [account, peer] = await Promise.all([
    waitFor("account", username.toLowerCase(), MAX_FAILURES_PER_ACCOUNT, now),
    waitFor("address", address, MAX_FAILURES_PER_ADDRESS, now),
  ]);
  return Math.max(account, peer);
}

export async function recordSignInFailure(username: string, address: string, now = Date.now()): Promise<void> {
  const db = getDb();
  const failedAt = new Date(now);
  await db.insert(signInFailures).values([
    { scope: "account", key: username.toLowerCase(), failedAt },
    { scope: "address", key: address, failedAt },
  ]);
  // Failures older than the window count for nothing any more.
  await db.delete(signInFailures).where(lt(signInFailures.failedAt, new Date(now - windowMs())));
}

/** A successful sign-in clears the account's failures (not the address's). */
export async function recordSignInSuccess(username: string): Promise<void> {
  await getDb()
    .delete(signInFailures)
    .where(and(eq(signInFailures.scope, "account"), eq(signInFailures.key, username.toLowerCase())));
}

/** The address the custom server saw the request come from (clients cannot set it). */
export const PEER_ADDRESS_HEADER = "x-newsroom-peer-address";

export function peerAddress(headers: Headers): string {
  return headers.get(PEER_ADDRESS_HEADER) ?? "unknown";
}
