/** Newsroom roles. Reporters carry a byline label; the editor reviews and signs off. */
export const ROLES = ["reporter", "editor", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Byline labels as printed in the story's byline line. */
export const BYLINE_LABELS = ["记者", "通讯员", "编辑"] as const;
export type BylineLabel = (typeof BYLINE_LABELS)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** The label an account carries for each role (reporters choose 记者 or 通讯员). */
export const ACCOUNT_LABELS: Record<Role, readonly string[]> = {
  reporter: ["记者", "通讯员"],
  editor: ["编辑"],
  admin: ["管理员"],
};

/** Role names as the admin console shows them. */
export const ROLE_NAMES_ZH: Record<Role, string> = { reporter: "记者", editor: "编辑", admin: "系统管理员" };

/** The label an account of `role` gets: `wanted` when the role allows it, else the role's first. */
export function accountLabel(role: Role, wanted?: string | null): string {
  const allowed = ACCOUNT_LABELS[role];
  return wanted && allowed.includes(wanted) ? wanted : allowed[0];
}
