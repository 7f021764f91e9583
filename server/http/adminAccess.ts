import "server-only";
import type { z } from "zod";
import type { User } from "../../db/schema";
import { can } from "../../newsroom/policy";
import { actorOf } from "../auth/actorOf";
import { currentUser } from "../auth/currentUser";
import { adminNeedsTotp } from "../auth/totp";
import { accountIdParam } from "./accountRequestSchemas";
import { apiError, notSignedIn } from "./apiErrors";
import { readUnsafeRequest } from "./unsafeRequest";

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

/**
 * The start of every state-changing admin route: `readUnsafeRequest`'s checks (same origin,
 * signed in, the body's shape), then the console is theirs (`notAdminError`).
 */
export async function readAdminRequest<Schema extends z.ZodType>(
  request: Request,
  schema: Schema,
): Promise<{ user: User; body: z.output<Schema> } | { error: Response }> {
  const read = await readUnsafeRequest(request, schema);
  if ("error" in read) return read;
  const refused = notAdminError(read.user);
  return refused ? { error: refused } : read;
}

/**
 * The start of a state-changing admin route on one account (`/api/admin/users/:id/...`):
 * `readAdminRequest`, then the id names an account (404 when it cannot).
 */
export async function readAccountRequest<Schema extends z.ZodType>(
  request: Request,
  params: Promise<{ id: string }>,
  schema: Schema,
): Promise<{ user: User; body: z.output<Schema>; accountId: string } | { error: Response }> {
  const read = await readAdminRequest(request, schema);
  if ("error" in read) return read;
  const id = accountIdParam.safeParse((await params).id);
  if (!id.success) return { error: apiError("not_found", "没有这个账号") };
  return { ...read, accountId: id.data };
}
