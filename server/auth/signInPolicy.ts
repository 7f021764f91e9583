import "server-only";
/**
 * The sign-in limits as pure rules (no I/O, no clock of their own): which counters judge an
 * attempt, and how long a full counter makes it wait. signInLimiter.ts keeps the counters.
 */

export const MAX_ATTEMPTS_PER_ACCOUNT = 10;
export const MAX_ATTEMPTS_PER_ADDRESS = 50;
/** A device the account signed in from before gets its own allowance (OWASP "device cookies"). */
export const MAX_ATTEMPTS_PER_DEVICE = 10;

export type LimitScope = "account" | "address" | "device";

/** One counter an attempt is judged by and counted in. */
export interface LimitCounter {
  scope: LimitScope;
  key: string;
  max: number;
}

/** Who is trying: the account, the TCP peer address and the proven device, if any. */
export interface SignInAttempt {
  username: string;
  address: string;
  /** Device id from a valid device cookie issued to this same account, else null. */
  deviceId: string | null;
}

/**
 * The counters that judge an attempt. A proven device is judged only by its own counter, so
 * wrong passwords sent from anywhere else (which fill the account's and the addresses'
 * counters) never lock the account's owner out on a device she has signed in from before.
 */
export function countersFor(attempt: SignInAttempt): LimitCounter[] {
  if (attempt.deviceId) return [{ scope: "device", key: attempt.deviceId, max: MAX_ATTEMPTS_PER_DEVICE }];
  return [
    { scope: "account", key: attempt.username.toLowerCase(), max: MAX_ATTEMPTS_PER_ACCOUNT },
    { scope: "address", key: attempt.address, max: MAX_ATTEMPTS_PER_ADDRESS },
  ];
}

/**
 * Seconds until a counter lets the next attempt in, or 0 when it may go now. `recent` holds the
 * times (ms) of the counter's attempts, newest first, at least `max` of them when there are.
 * A full counter opens when its `max`-th newest attempt leaves the sliding window.
 */
export function secondsUntilFree(recent: readonly number[], max: number, windowMs: number, now: number): number {
  const inWindow = recent.filter((at) => at > now - windowMs);
  if (inWindow.length < max) return 0;
  const oldestCounted = [...inWindow].sort((a, b) => b - a)[max - 1];
  return Math.max(1, Math.ceil((oldestCounted + windowMs - now) / 1000));
}
