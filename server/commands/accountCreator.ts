import "server-only";
import { count, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users, type User } from "../../db/schema";
import type { Actor } from "../../newsroom/actor";
import { passwordProblem } from "../../newsroom/passwordRules";
import { can } from "../../newsroom/policy";
import { ACCOUNT_LABELS, accountLabel, type Role } from "../../newsroom/roles";
import { maxAccounts } from "../auth/accountSettings";
import { hashPassword } from "../auth/password";
import { temporaryPassword } from "../auth/temporaryPassword";
import { accountAuditWriter } from "./accountAuditWriter";
import { lockAccounts } from "./accountLock";
import { refuse, type CommandResult } from "./commandResult";

export interface AccountCreatorProps {
  /** The admin creating it; "system" for the command line and single sign-on's auto-create. */
  actor: Actor | "system";
  username: string;
  name: string;
  role: Role;
  label?: string;
  /** Omitted: a temporary password is made, which must be changed at the first sign-in. */
  password?: string;
  /** An account that signs in only through single sign-on (no password works). */
  noPassword?: boolean;
}

/** A password hash no password matches (verifyPassword knows only `scrypt$…`). */
const NO_PASSWORD_HASH = "!sso-only";

/**
 * Creates an account: the policy (admins only), the label its role allows, the password rules,
 * the account limit (ACCOUNTS_MAX) and a unique username, then the row and its audit entry in
 * one transaction. Answers the account and, when none was given, its temporary password.
 */
export async function accountCreator(
  db: Db,
  props: AccountCreatorProps,
): Promise<CommandResult<{ user: User; temporaryPassword?: string }>> {
  const { actor, username, role } = props;
  if (actor !== "system" && !can(actor, "manageAccounts")) return refuse("forbidden", "只有系统管理员可以管理账号");
  if (props.label && !ACCOUNT_LABELS[role].includes(props.label)) {
    return refuse("bad_request", `这个角色的署名标签只能是 ${ACCOUNT_LABELS[role].join("、")}`);
  }
  const temporary = props.password === undefined && !props.noPassword ? temporaryPassword() : undefined;
  if (props.password !== undefined) {
    const problem = passwordProblem(props.password, username);
    if (problem) return refuse("bad_request", problem);
  }
  const secret = props.password ?? temporary;
  const passwordHash = secret === undefined ? NO_PASSWORD_HASH : await hashPassword(secret);
  return db.transaction(async (tx) => {
    await lockAccounts(tx);
    const [{ accounts }] = await tx.select({ accounts: count() }).from(users);
    if (accounts >= maxAccounts()) return refuse("conflict", `账号数已达上限（${maxAccounts()} 个，ACCOUNTS_MAX）`);
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.username, username)).limit(1);
    if (taken) return refuse("conflict", `用户名 ${username} 已被使用`);
    const [user] = await tx
      .insert(users)
      .values({
        username,
        displayName: props.name,
        role,
        bylineLabel: accountLabel(role, props.label),
        passwordHash,
        mustChangePassword: temporary !== undefined,
        colorIndex: accounts,
      })
      .returning();
    await accountAuditWriter(tx, {
      actorId: actor === "system" ? null : actor.id,
      targetId: user.id,
      action: "created",
      detail: { username, name: props.name, role, label: user.bylineLabel },
    });
    return { ok: true as const, user, temporaryPassword: temporary };
  });
}
