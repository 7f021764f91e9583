import "server-only";
/**
 * The account settings (issue 15), read where they are used: in Next's bundle as well as the
 * custom server, both of which see process.env. `server/env.ts` validates and documents the
 * same variables at start, so a bad value never gets this far.
 */

const numberSetting = (name: string, fallback: number) => () => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

/** How long a password reset link works, in ms (ACCOUNT_RESET_LINK_TTL_MS). */
export const resetLinkTtlMs = numberSetting("ACCOUNT_RESET_LINK_TTL_MS", 60 * 60 * 1000);

/** Sign-ins shown on /account (ACCOUNT_RECENT_SIGN_INS). */
export const recentSignInsShown = numberSetting("ACCOUNT_RECENT_SIGN_INS", 10);

/** Accounts the newsroom may hold, disabled ones included (ACCOUNTS_MAX). */
export const maxAccounts = numberSetting("ACCOUNTS_MAX", 5000);

/** Entries of the account audit log the console shows, newest first (ACCOUNT_AUDIT_SHOWN). */
export const accountAuditShown = numberSetting("ACCOUNT_AUDIT_SHOWN", 200);

/** Whether the password form and the credentials provider sign anyone in (PASSWORD_SIGN_IN). */
export const passwordSignInEnabled = () => process.env.PASSWORD_SIGN_IN !== "0";
