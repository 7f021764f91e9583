import "server-only";
import { inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { reviewLevels, users, type User } from "../../db/schema";
import { isDesk } from "../../newsroom/actor";
import { can } from "../../newsroom/policy";
import { actorOf } from "../auth/actorOf";
import { configuredLevels, REVIEW_LEVELS_LOCK_KEY } from "../review/reviewLevelSetting";
import { accountAuditWriter } from "./accountAuditWriter";
import { maxLevelSigners, maxReviewLevels } from "../review/signoffLimits";
import { refuse, type CommandResult } from "./commandResult";

export interface LevelChange {
  name: string;
  /** Usernames, or "editors" for any editor. */
  signers: string[] | "editors";
}

export interface ReviewLevelsEditorProps {
  actor: User;
  levels: LevelChange[];
}

/**
 * Replaces the newsroom's review levels (三审) with `levels`, in order (admins only). Every name
 * is distinct; every listed signer is an enabled editor (sign-offs are the desk's); the lists
 * are bounded (REVIEW_LEVELS_MAX, REVIEW_LEVEL_SIGNERS_MAX). An empty list goes back to the
 * default. Sign-offs already made keep their level's name: a renamed level must be signed again.
 */
export async function reviewLevelsEditor(db: Db, { actor, levels }: ReviewLevelsEditorProps): Promise<CommandResult<{ changed: true }>> {
  if (!can(actorOf(actor), "manageReviewLevels")) return refuse("forbidden", "只有系统管理员可以设置审级");
  const most = maxReviewLevels();
  if (levels.length > most) return refuse("bad_request", `审级最多 ${most} 级`);
  const names = levels.map((l) => l.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) return refuse("bad_request", `审级“${twice}”重复`);
  const mostSigners = maxLevelSigners();
  for (const level of levels) {
    if (level.signers === "editors") continue;
    if (level.signers.length === 0) return refuse("bad_request", `“${level.name}”需要至少一名签署人`);
    if (new Set(level.signers).size > mostSigners) return refuse("bad_request", `每一审级最多 ${mostSigners} 名签署人`);
  }
  return db.transaction(async (tx): Promise<CommandResult<{ changed: true }>> => {
    await tx.execute(sql`select pg_advisory_xact_lock(${REVIEW_LEVELS_LOCK_KEY})`);
    const usernames = [...new Set(levels.flatMap((l) => (l.signers === "editors" ? [] : l.signers)))];
    const accounts = usernames.length
      ? await tx.select({ id: users.id, username: users.username, role: users.role, disabled: users.disabled }).from(users).where(inArray(users.username, usernames))
      : [];
    const byName = new Map(accounts.map((a) => [a.username, a]));
    for (const username of usernames) {
      const account = byName.get(username);
      if (!account || account.disabled) return refuse("bad_request", `没有启用的账号“${username}”`);
      const asActor = actorOf(account as User);
      if (!asActor || !isDesk(asActor)) return refuse("bad_request", `“${username}”不是编辑，不能签署审级`);
    }
    const before = await configuredLevels(tx);
    await tx.delete(reviewLevels);
    if (levels.length > 0) {
      await tx.insert(reviewLevels).values(
        levels.map((level, i) => ({
          position: i + 1,
          name: level.name,
          anyEditor: level.signers === "editors",
          signerIds: level.signers === "editors" ? [] : [...new Set(level.signers)].map((u) => byName.get(u)!.id),
          updatedBy: actor.id,
        })),
      );
    }
    // Who changed the levels, when, from what to what: in the console's audit log, with the change.
    await accountAuditWriter(tx, {
      actorId: actor.id,
      targetId: actor.id,
      action: "review_levels_changed",
      detail: {
        审级: {
          from: describeLevels(before.map((l) => ({ name: l.name, signers: l.signers === "editors" ? "editors" : l.signers.map((p) => p.username) }))),
          to: describeLevels(levels),
        },
      },
    });
    return { ok: true, changed: true };
  });
}

/** `初审[huhongye、fushen] / 复审[全体编辑]`; the default when nothing is configured. */
function describeLevels(levels: readonly LevelChange[]): string {
  if (levels.length === 0) return "默认（签发）";
  return levels.map((l) => `${l.name}[${l.signers === "editors" ? "全体编辑" : [...new Set(l.signers)].join("、")}]`).join(" / ");
}
