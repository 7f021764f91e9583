import "server-only";
import type { Db } from "../../db/client";
import { accountAudit } from "../../db/schema";
import { now } from "../clock";

/** What happened to an account (shown in the console by `accountAuditLog`). */
export type AccountAuditAction =
  | "created"
  | "edited"
  | "disabled"
  | "enabled"
  | "reset_link"
  | "reset_temporary"
  | "reset_link_used"
  | "password_changed"
  | "signed_out_everywhere"
  | "totp_enabled"
  | "totp_disabled"
  /** The newsroom's review levels (三审) changed; recorded against the admin who changed them. */
  | "review_levels_changed";

export interface AccountAuditEntry {
  /** Who did it; null for the command line (admin:create). */
  actorId: string | null;
  targetId: string;
  action: AccountAuditAction;
  /** What changed; never a password, a token or a secret. */
  detail?: Record<string, unknown>;
}

/** Writes one entry of the account audit log: a step inside the transaction of the change it records. */
export async function accountAuditWriter(tx: Db, entry: AccountAuditEntry): Promise<void> {
  await tx.insert(accountAudit).values({ ...entry, detail: entry.detail ?? {}, createdAt: new Date(now()) });
}
