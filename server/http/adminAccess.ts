import "server-only";
import type { User } from "../../db/schema";
import { can } from "../../newsroom/policy";
import { actorOf } from "../auth/actorOf";
import { currentUser } from "../auth/currentUser";
import { apiError, notSignedIn } from "./apiErrors";

/** What a non-admin is told on every admin route. */
export const NOT_AN_ADMIN = "只有系统管理员可以管理账号";

/** The start of every admin route: signed in (401) and allowed to manage accounts (403). */
export async function adminUser(): Promise<{ user: User } | { error: Response }> {
  const user = await currentUser();
  if (!user) return { error: notSignedIn() };
  if (!can(actorOf(user), "manageAccounts")) return { error: apiError("forbidden", NOT_AN_ADMIN) };
  return { user };
}

/** Refuses a signed-in non-admin on an unsafe admin route (after readUnsafeRequest checked the rest). */
export function notAdminError(user: User): Response | null {
  return can(actorOf(user), "manageAccounts") ? null : apiError("forbidden", NOT_AN_ADMIN);
}
