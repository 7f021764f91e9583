/** Newsroom roles. Reporters carry a byline label; the editor reviews and signs off. */
export const ROLES = ["reporter", "editor", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Byline labels as printed in the story's byline line. */
export const BYLINE_LABELS = ["记者", "通讯员", "编辑"] as const;
export type BylineLabel = (typeof BYLINE_LABELS)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
