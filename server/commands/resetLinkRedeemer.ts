import "server-only";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { passwordResets, users } from "../../db/schema";
import { passwordProblem } from "../../newsroom/passwordRules";
import { endSessionsOf } from "../auth/accountSessions";
import { hashPassword } from "../auth/password";
import { now } from "../clock";
import { accountAuditWriter } from "./accountAuditWriter";
import { refuse, type CommandResult } from "./commandResult";
import { resetTokenHash } from "./passwordResetter";

const EXPIRED = "这个重置链接无效或已过期，请联系系统管理员重新生成";

/** Whose account a reset token opens, while it is unused and unexpired; null otherwise. */
export async function resetLinkAccount(db: Db, token: string): Promise<{ username: string } | null> {
  const [row] = await db
    .select({ username: users.username, disabled: users.disabled })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(
      and(eq(passwordResets.tokenHash, resetTokenHash(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, new Date(now()))),
    )
    .limit(1);
  return row && !row.disabled ? { username: row.username } : null;
}

/**
 * Sets a new password through a reset link. The link is spent in the same statement that
 * checks it (unused, unexpired), so two tabs cannot both use it; a password the rules refuse
 * leaves the link unspent. Every session of the account ends.
 */
export async function resetLinkRedeemer(db: Db, { token, next }: { token: string; next: string }): Promise<CommandResult<{ username: string }>> {
  const account = await resetLinkAccount(db, token);
  if (!account) return refuse("not_found", EXPIRED);
  const problem = passwordProblem(next, account.username);
  if (problem) return refuse("bad_request", problem);
  const passwordHash = await hashPassword(next);
  const userId = await db.transaction(async (tx) => {
    const [spent] = await tx
      .update(passwordResets)
      .set({ usedAt: new Date(now()) })
      .where(
        and(eq(passwordResets.tokenHash, resetTokenHash(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, new Date(now()))),
      )
      .returning({ userId: passwordResets.userId });
    if (!spent) return null;
    await tx.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, spent.userId));
    await accountAuditWriter(tx, { actorId: spent.userId, targetId: spent.userId, action: "reset_link_used" });
    return spent.userId;
  });
  if (!userId) return refuse("not_found", EXPIRED);
  await endSessionsOf(db, userId);
  return { ok: true, username: account.username };
}
