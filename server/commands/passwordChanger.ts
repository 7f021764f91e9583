import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users, type User } from "../../db/schema";
import { passwordProblem } from "../../newsroom/passwordRules";
import { endSessionsOf } from "../auth/accountSessions";
import { hashPassword, verifyPassword } from "../auth/password";
import { accountAuditWriter } from "./accountAuditWriter";
import { refuse, type CommandResult } from "./commandResult";

export interface PasswordChangerProps {
  user: User;
  current: string;
  next: string;
  /** The session asking: it stays signed in, every other session of the account ends. */
  keepSessionId?: string;
}

/**
 * Someone changes their own password: the current one proves it is them, the new one passes
 * the password rules and differs from the current one. Every other session ends.
 */
export async function passwordChanger(db: Db, { user, current, next, keepSessionId }: PasswordChangerProps): Promise<CommandResult<object>> {
  if (!(await verifyPassword(current, user.passwordHash))) return refuse("forbidden", "当前密码不正确");
  const problem = passwordProblem(next, user.username);
  if (problem) return refuse("bad_request", problem);
  if (next === current) return refuse("bad_request", "新密码不能与当前密码相同");
  const passwordHash = await hashPassword(next);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, user.id));
    await accountAuditWriter(tx, { actorId: user.id, targetId: user.id, action: "password_changed" });
  });
  await endSessionsOf(db, user.id, keepSessionId);
  return { ok: true };
}
