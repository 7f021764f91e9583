import "server-only";
import type { User } from "../../db/schema";
import { can } from "../../newsroom/policy";
import { actorOf } from "../auth/actorOf";
import { currentUser } from "../auth/currentUser";
import { adminNeedsTotp } from "../auth/totp";
import { apiError, notSignedIn } from "./apiErrors";

/** What a non-admin is told on every admin route. */
export const NOT_AN_ADMIN = "只有系统管理员可以管理账号";

/** What an admin without a second factor is told while ADMIN_REQUIRE_TOTP=1. */
export const TOTP_REQUIRED = "系统管理员须先在“我的账号”中启用两步验证（ADMIN_REQUIRE_TOTP）";

/** The start of every admin route: signed in (401) and allowed to manage accounts (403). */
export async function adminUser(): Promise<{ user: User } | { error: Response }> {
  const user = await currentUser();
  if (!user) return { error: notSignedIn() };
  const refused = notAdminError(user);
  return refused ? { error: refused } : { user };
}

/**
 * Refuses a signed-in non-admin on an admin route, and an admin without the second factor the
 * newsroom requires (ADMIN_REQUIRE_TOTP=1); null when the console is theirs.
 */
export function notAdminError(user: User): Response | null {
  if (!can(actorOf(user), "manageAccounts")) return apiError("forbidden", NOT_AN_ADMIN);
  return adminNeedsTotp(user) ? apiError("forbidden", TOTP_REQUIRED) : null;
}
