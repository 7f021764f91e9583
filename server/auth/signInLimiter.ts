/**
 * Failed sign-ins per account and per address, in a sliding window. Past the limit, sign-in is
 * refused until the oldest failure leaves the window (so the real user is never locked out for
 * good), whatever the password. Kept on globalThis: the route handler and the server action
 * run in Next's bundle, which may load this module more than once.
 */
/** SIGN_IN_LIMIT_WINDOW_MS (documented in server/env.ts) shortens it for tests. */
const windowMs = () => Number(process.env.SIGN_IN_LIMIT_WINDOW_MS) || 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 10;
export const MAX_FAILURES_PER_ADDRESS = 50;

type Failures = Map<string, number[]>;
const GLOBAL_KEY = Symbol.for("newsroom.signInFailures");
type GlobalWithFailures = typeof globalThis & { [GLOBAL_KEY]?: { accounts: Failures; addresses: Failures } };

function store() {
  const g = globalThis as GlobalWithFailures;
  g[GLOBAL_KEY] ??= { accounts: new Map(), addresses: new Map() };
  return g[GLOBAL_KEY];
}

function recent(map: Failures, key: string, now: number): number[] {
  const times = (map.get(key) ?? []).filter((t) => now - t < windowMs());
  if (times.length === 0) map.delete(key);
  else map.set(key, times);
  return times;
}

/** Seconds until sign-in may be tried again for this account or address, or 0 when it may now. */
export function signInRetryAfter(username: string, address: string, now = Date.now()): number {
  const { accounts, addresses } = store();
  const waits = [
    [recent(accounts, username.toLowerCase(), now), MAX_FAILURES_PER_ACCOUNT],
    [recent(addresses, address, now), MAX_FAILURES_PER_ADDRESS],
  ] as const;
  let wait = 0;
  for (const [times, max] of waits) {
    if (times.length >= max) wait = Math.max(wait, Math.ceil((times[times.length - max] + windowMs() - now) / 1000));
  }
  return wait;
}

export function recordSignInFailure(username: string, address: string, now = Date.now()): void {
  const { accounts, addresses } = store();
  for (const [map, key] of [
    [accounts, username.toLowerCase()],
    [addresses, address],
  ] as const) {
    const times = recent(map, key, now);
    times.push(now);
    map.set(key, times.slice(-200));
  }
}

/** A successful sign-in clears the account's failures (not the address's). */
export function recordSignInSuccess(username: string): void {
  store().accounts.delete(username.toLowerCase());
}

/** The address the custom server saw the request come from (clients cannot set it). */
export const PEER_ADDRESS_HEADER = "x-newsroom-peer-address";

export function peerAddress(headers: Headers): string {
  return headers.get(PEER_ADDRESS_HEADER) ?? "unknown";
}
