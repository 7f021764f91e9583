import "server-only";
/** Idle lifetime of a session: a working day and a bit; the cookie is re-issued while in use. */
export const SESSION_MAX_AGE_S = 12 * 60 * 60;

/**
 * Longest a session lives however much it is used: past it the person signs in again. It also
 * bounds how long the record of a session (account_sessions) must be kept for "sign out
 * everywhere" to reach it.
 */
export const SESSION_ABSOLUTE_MAX_MS = 30 * 24 * 60 * 60 * 1000;

/** Whether a session that began at `signedInAt` (ms; absent on sessions from older versions) is past its absolute lifetime. */
export function sessionOutlived(signedInAt: unknown, now: number): boolean {
  return typeof signedInAt === "number" && now - signedInAt > SESSION_ABSOLUTE_MAX_MS;
}
