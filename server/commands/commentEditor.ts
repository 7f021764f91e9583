import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleComments, type ArticleComment, type User } from "../../db/schema";
import { mentionedPeople } from "../../newsroom/mentions";
import { listEnabledUsers } from "../auth/enabledUsers";
import { announceCommentChange } from "../review/commentEvents";
import { commentText, findComment, lockForComment } from "../review/commentAccess";
import { refuse, type CommandResult } from "./commandResult";

export interface CommentEditorProps {
  actor: User;
  articleId: string;
  commentId: string;
  /** New text, or "delete". */
  change: { kind: "edit"; text: string } | { kind: "delete" };
}

/**
 * Edits or deletes one's own comment, under the story's row lock. A deleted comment keeps its
 * row with the text cleared, so the replies under it keep their thread and the quote survives.
 */
export async function commentEditor(db: Db, props: CommentEditorProps): Promise<CommandResult<{ comment: ArticleComment }>> {
  const { actor, articleId, commentId, change } = props;
  const checked = change.kind === "edit" ? commentText(change.text) : { text: "" };
  if ("refusal" in checked) return checked.refusal;
  const people = change.kind === "edit" ? await listEnabledUsers(db) : [];
  const result = await db.transaction(async (tx): Promise<CommandResult<{ comment: ArticleComment }>> => {
    const refused = await lockForComment(tx, actor, articleId);
    if (refused) return refused;
    const found = await findComment(tx, articleId, commentId);
    if ("refusal" in found) return found.refusal;
    if (found.comment.deletedAt) return refuse("conflict", "这条评论已删除");
    if (found.comment.authorId !== actor.id) return refuse("forbidden", "只能修改或删除自己的评论");
    const now = new Date();
    const values =
      change.kind === "edit"
        ? { text: checked.text, mentions: mentionedPeople(checked.text, people), editedAt: now }
        : { text: "", mentions: [], deletedAt: now };
    const [comment] = await tx.update(articleComments).set(values).where(eq(articleComments.id, commentId)).returning();
    return { ok: true, comment };
  });
  if (result.ok) announceCommentChange(articleId);
  return result;
}
