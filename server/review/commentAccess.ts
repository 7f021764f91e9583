import "server-only";
import { and, count, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleComments, type ArticleComment, type User } from "../../db/schema";
import { can } from "../../newsroom/policy";
import { actorOf } from "../auth/actorOf";
import { ARTICLE_ID_PATTERN } from "../articles/articleFacts";
import { lockedArticleFacts } from "../commands/lockedArticleFacts";
import { refuse, type CommandRefusal } from "../commands/commandResult";
import { maxCommentLength } from "./reviewLimits";

/**
 * The start of every comment command, inside its transaction: the story's row is locked (so a
 * comment and an approval are ordered: the publish gate counts open threads under the same
 * lock) and this user may comment on it.
 */
export async function lockForComment(tx: Db, user: User, articleId: string): Promise<CommandRefusal | null> {
  const found = await lockedArticleFacts(tx, articleId);
  if (!found) return refuse("not_found", "没有这篇稿件");
  const actor = actorOf(user);
  if (!can(actor, "comment", found.facts)) return refuse("forbidden", "只有稿件署名的记者和编辑可以评论");
  return null;
}

/** The comment `commentId` of the story, or the refusal when there is none. */
export async function findComment(
  tx: Db,
  articleId: string,
  commentId: string,
): Promise<{ comment: ArticleComment } | { refusal: CommandRefusal }> {
  // Comment ids are uuids like article ids; anything else names no comment.
  const [comment] = ARTICLE_ID_PATTERN.test(commentId)
    ? await tx
        .select()
        .from(articleComments)
        .where(and(eq(articleComments.id, commentId), eq(articleComments.articleId, articleId)))
    : [];
  return comment ? { comment } : { refusal: refuse("not_found", "没有这条评论") };
}

/** A comment's text once trimmed, or the refusal when it is empty or too long. */
export function commentText(raw: string): { text: string } | { refusal: CommandRefusal } {
  const text = raw.trim();
  const max = maxCommentLength();
  if (text.length === 0) return { refusal: refuse("bad_request", "评论不能为空") };
  if (text.length > max) return { refusal: refuse("bad_request", `评论不能超过 ${max} 个字`) };
  return { text };
}

/** Comments the story holds (threads and replies, deleted included): what the bound counts. */
export async function storyCommentCount(tx: Db, articleId: string): Promise<number> {
  const [row] = await tx.select({ n: count() }).from(articleComments).where(eq(articleComments.articleId, articleId));
  return Number(row?.n ?? 0);
}
