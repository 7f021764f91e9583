import "server-only";
/**
 * The time that limits and windows are judged by (sign-in windows, socket budgets). In
 * production it is `Date.now()`; a test moves it forward with `advanceClock` instead of
 * waiting out a 15-minute window on the real clock. The offset lives on globalThis because
 * the custom server and Next's server bundle each hold a copy of this module in one process.
 */
const OFFSET_KEY = Symbol.for("newsroom.clockOffsetMs");
type GlobalWithOffset = typeof globalThis & { [OFFSET_KEY]?: number };
const globalWithOffset = globalThis as GlobalWithOffset;

/** Milliseconds since the epoch, as limits and windows see them. */
export function now(): number {
  return Date.now() + (globalWithOffset[OFFSET_KEY] ?? 0);
}

/**
 * Moves this process's clock forward by `ms` (tests of a server started in-process only:
 * nothing in the server calls it).
 */
export function advanceClock(ms: number): void {
  globalWithOffset[OFFSET_KEY] = (globalWithOffset[OFFSET_KEY] ?? 0) + ms;
}

/** Puts this process's clock back on the real time. */
export function resetClock(): void {
  delete globalWithOffset[OFFSET_KEY];
}
