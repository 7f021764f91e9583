import "server-only";
import { z } from "zod";
import { MAX_PASSWORD_LENGTH } from "../../newsroom/passwordRules";
import { ROLES } from "../../newsroom/roles";

/**
 * The shapes of the account requests (issue 15), beside `requestSchemas.ts`. Strict: a field
 * the route does not know is refused (400), so a typo never silently does nothing.
 */

/** Lower-case letters, digits, dot, dash, underscore; 2–40, starting with a letter or digit. */
export const usernameSchema = z
  .string({ error: "需要 username" })
  .trim()
  .regex(/^[a-z0-9][a-z0-9._-]{1,39}$/, { error: "用户名需为 2–40 个小写字母、数字或 . _ -，以字母或数字开头" });

const nameSchema = z
  .string({ error: "姓名必须是文本" })
  .trim()
  .min(1, { error: "需要姓名" })
  .max(50, { error: "姓名不能超过 50 个字" });

const roleSchema = z.enum(ROLES, { error: `role 必须是 ${ROLES.join("、")} 之一` });
const labelSchema = z.string({ error: "label 必须是文本" }).max(10, { error: "label 过长" });
const passwordField = (what: string) =>
  z.string({ error: `需要${what}` }).max(MAX_PASSWORD_LENGTH * 4, { error: `${what}过长` });

/** `POST /api/admin/users` `{username, name, role, label?, password?}`. */
export const newAccountBody = z.strictObject({
  username: usernameSchema,
  name: nameSchema,
  role: roleSchema,
  label: labelSchema.optional(),
  password: passwordField("密码").optional(),
});

/** `PATCH /api/admin/users/:id` `{name?, role?, label?, disabled?}`. */
export const accountChangeBody = z.strictObject({
  name: nameSchema.optional(),
  role: roleSchema.optional(),
  label: labelSchema.optional(),
  disabled: z.boolean({ error: "disabled 必须是 true 或 false" }).optional(),
});

/** `POST /api/admin/users/:id/reset` `{method?}`: a one-time link (default) or a temporary password. */
export const passwordResetBody = z.strictObject({
  method: z.enum(["link", "temporary"], { error: "method 必须是 link 或 temporary" }).default("link"),
});

/** `POST /api/account/password` `{current, next}`. */
export const passwordChangeBody = z.strictObject({
  current: passwordField("当前密码"),
  next: passwordField("新密码"),
});

/** `POST /api/account/reset` `{token, next}`: a reset link's form. */
export const resetLinkBody = z.strictObject({
  token: z.string({ error: "需要 token" }).max(200),
  next: passwordField("新密码"),
});

/** `POST /api/account/sessions/end`: no parameters. */
export const endSessionsBody = z.strictObject({});

const totpCode = z.string({ error: "需要验证码" }).max(20, { error: "验证码过长" });

/** `POST /api/account/totp` `{secret, code}`: turn the second factor on. */
export const totpEnableBody = z.strictObject({
  secret: z.string({ error: "需要 secret" }).max(64, { error: "secret 过长" }),
  code: totpCode,
});

/** `DELETE /api/account/totp` `{code}`: turn it off. */
export const totpDisableBody = z.strictObject({ code: totpCode });

/** An account id in a path. */
export const accountIdParam = z.string().uuid();
