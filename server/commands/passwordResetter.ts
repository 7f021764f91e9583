import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../../db/client";
import { passwordResets, users } from "../../db/schema";
import type { Actor } from "../../newsroom/actor";
import { can } from "../../newsroom/policy";
import { resetLinkTtlMs } from "../auth/accountSettings";
import { endSessionsOf } from "../auth/accountSessions";
import { hashPassword } from "../auth/password";
import { temporaryPassword } from "../auth/temporaryPassword";
import { now } from "../clock";
import { accountAuditWriter } from "./accountAuditWriter";
import { refuse, type CommandResult } from "./commandResult";

export interface PasswordResetterProps {
  actor: Actor;
  userId: string;
  /** "link": a one-time link (expires after ACCOUNT_RESET_LINK_TTL_MS); "temporary": a password to change at next sign-in. */
  method: "link" | "temporary";
}

/** The stored form of a reset token: its SHA-256, so the table alone opens no account. */
export function resetTokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * An admin resets someone's password. A link: a random token (only its hash stored; earlier
 * unused links of the account stop working). A temporary password: set at once, the person's
 * sessions end, and the next sign-in must choose a new one.
 */
export async function passwordResetter(
  db: Db,
  { actor, userId, method }: PasswordResetterProps,
): Promise<CommandResult<{ token: string; expiresAt: Date } | { temporaryPassword: string }>> {
  if (!can(actor, "manageAccounts")) return refuse("forbidden", "只有系统管理员可以重置密码");
  const [target] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId)).limit(1);
  if (!target) return refuse("not_found", "没有这个账号");
  if (method === "link") {
    const token = randomBytes(32).toString("base64url");
    const expiresAt = new Date(now() + resetLinkTtlMs());
    await db.transaction(async (tx) => {
      await tx
        .delete(passwordResets)
        .where(or(eq(passwordResets.userId, userId), lt(passwordResets.expiresAt, new Date(now()))));
      await tx.insert(passwordResets).values({ tokenHash: resetTokenHash(token), userId, createdBy: actor.id, expiresAt });
      await accountAuditWriter(tx, { actorId: actor.id, targetId: userId, action: "reset_link", detail: { expiresAt: expiresAt.toISOString() } });
    });
    return { ok: true, token, expiresAt };
  }
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, mustChangePassword: true }).where(eq(users.id, userId));
    await tx.delete(passwordResets).where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
    await accountAuditWriter(tx, { actorId: actor.id, targetId: userId, action: "reset_temporary" });
  });
  await endSessionsOf(db, userId);
  return { ok: true, temporaryPassword: password };
}
