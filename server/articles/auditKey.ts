import "server-only";
import { hkdfSync } from "node:crypto";

/** HKDF label: the audit key is never the session key itself, nor usable as one. */
const AUDIT_KEY_INFO = "audit-chain";

/**
 * The key of the audit chain's HMAC, derived with HKDF-SHA-256 from `AUDIT_SECRET`, or from the
 * session secret when that is not set (the embedded default keeps it in DATA_DIR, with
 * PostgreSQL it is AUTH_SECRET: both outside the database). On the embedded default that file
 * sits beside the database, so a copy of the data directory can forge a chain: only an
 * AUDIT_SECRET given from outside protects against that. Set AUDIT_SECRET to the old session
 * secret before rotating AUTH_SECRET, or every keyed entry stops verifying.
 */
export function auditKey(source: Record<string, string | undefined> = process.env): Uint8Array {
  const secret = source.AUDIT_SECRET || source.AUTH_SECRET;
  if (!secret) throw new Error("no AUDIT_SECRET or AUTH_SECRET: the audit chain cannot be keyed");
  return new Uint8Array(hkdfSync("sha256", secret, new Uint8Array(0), AUDIT_KEY_INFO, 32));
}
