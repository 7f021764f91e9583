import "server-only";
import { and, count, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users, type User } from "../../db/schema";
import type { Actor } from "../../newsroom/actor";
import { accountChangeRefusal } from "../../newsroom/policy";
import { ACCOUNT_LABELS, accountLabel, isRole, type Role } from "../../newsroom/roles";
import { endSessionsOf } from "../auth/accountSessions";
import { accountAuditWriter } from "./accountAuditWriter";
import { lockAccounts } from "./accountLock";
import { refuse, type CommandResult } from "./commandResult";

export interface AccountChangeProps {
  name?: string;
  role?: Role;
  label?: string;
  disabled?: boolean;
}

export interface AccountEditorProps {
  actor: Actor;
  userId: string;
  change: AccountChangeProps;
}

/** The fields that differ, as `{field: {from, to}}` for the audit log. */
function differences(before: User, after: User): Record<string, { from: unknown; to: unknown }> {
  const fields = { name: "displayName", role: "role", label: "bylineLabel", disabled: "disabled" } as const;
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const [name, column] of Object.entries(fields)) {
    if (before[column] !== after[column]) changed[name] = { from: before[column], to: after[column] };
  }
  return changed;
}

/**
 * Changes an account's name, role, label or enabled state, under the accounts lock so the
 * last-admin rule (newsroom/policy.ts) holds against concurrent changes. Disabling ends the
 * person's sessions and open sockets at once, after the change is committed.
 */
export async function accountEditor(db: Db, { actor, userId, change }: AccountEditorProps): Promise<CommandResult<{ user: User }>> {
  const result = await db.transaction(async (tx) => {
    await lockAccounts(tx);
    const [target] = await tx.select().from(users).where(eq(users.id, userId)).limit(1);
    if (!target) return refuse("not_found", "没有这个账号");
    const [{ admins }] = await tx
      .select({ admins: count() })
      .from(users)
      .where(and(eq(users.role, "admin"), eq(users.disabled, false)));
    const refusal = accountChangeRefusal(actor, change, {
      targetId: target.id,
      targetRole: isRole(target.role) ? target.role : "reporter",
      targetDisabled: target.disabled,
      enabledAdmins: admins,
    });
    if (refusal) return refuse(refusal.code, refusal.message);
    const role = change.role ?? (isRole(target.role) ? target.role : "reporter");
    if (change.label !== undefined && !ACCOUNT_LABELS[role].includes(change.label)) {
      return refuse("bad_request", `这个角色的署名标签只能是 ${ACCOUNT_LABELS[role].join("、")}`);
    }
    const [updated] = await tx
      .update(users)
      .set({
        displayName: change.name ?? target.displayName,
        role,
        // A new role keeps the label when it still fits, else takes the role's own.
        bylineLabel: accountLabel(role, change.label ?? target.bylineLabel),
        disabled: change.disabled ?? target.disabled,
      })
      .where(eq(users.id, userId))
      .returning();
    const changed = differences(target, updated);
    if (Object.keys(changed).length > 0) {
      const action = changed.disabled ? (updated.disabled ? "disabled" : "enabled") : "edited";
      await accountAuditWriter(tx, { actorId: actor.id, targetId: userId, action, detail: changed });
    }
    // Open sockets keep the rights they were admitted with: a disabled account, or one whose
    // role changed, is signed out everywhere, so no socket goes on with the old rights.
    const endSessions = (!target.disabled && updated.disabled) || target.role !== updated.role;
    return { ok: true as const, user: updated, endSessions };
  });
  if (!result.ok) return result;
  if (result.endSessions) await endSessionsOf(db, userId);
  return { ok: true, user: result.user };
}
