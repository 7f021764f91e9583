import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleComments, type ArticleComment, type User } from "../../db/schema";
import { announceCommentChange } from "../review/commentEvents";
import { findComment, lockForComment } from "../review/commentAccess";
import { refuse, type CommandResult } from "./commandResult";

export interface CommentResolverProps {
  actor: User;
  articleId: string;
  /** The thread (its first comment). */
  commentId: string;
  resolved: boolean;
}

/**
 * Resolves or reopens a thread, under the story's row lock (the publish gate counts open
 * threads under the same lock). Anyone who may comment on the story may do either.
 */
export async function commentResolver(db: Db, props: CommentResolverProps): Promise<CommandResult<{ comment: ArticleComment }>> {
  const { actor, articleId, commentId, resolved } = props;
  const result = await db.transaction(async (tx): Promise<CommandResult<{ comment: ArticleComment }>> => {
    const refused = await lockForComment(tx, actor, articleId);
    if (refused) return refused;
    const found = await findComment(tx, articleId, commentId);
    if ("refusal" in found) return found.refusal;
    if (found.comment.threadId !== null) return refuse("bad_request", "只能解决或重新打开整个评论串");
    const [comment] = await tx
      .update(articleComments)
      .set(resolved ? { resolvedAt: new Date(), resolvedBy: actor.id } : { resolvedAt: null, resolvedBy: null })
      .where(eq(articleComments.id, commentId))
      .returning();
    return { ok: true, comment };
  });
  if (result.ok) announceCommentChange(articleId);
  return result;
}
