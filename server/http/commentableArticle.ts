import "server-only";
import type { User } from "../../db/schema";
import { can } from "../../newsroom/policy";
import { apiError } from "./apiErrors";
import { readableArticle } from "./readableArticle";

/** The start of a read route on a story's review comments: signed in, and may comment on it. */
export async function commentableArticle(articleId: string): Promise<{ user: User } | { error: Response }> {
  const access = await readableArticle(articleId);
  if ("error" in access) return access;
  if (!can(access.actor, "comment", access.facts)) return { error: apiError("forbidden", "只有稿件署名的记者和编辑可以查看评论") };
  return { user: access.user };
}
