import "server-only";
import type { Db } from "../../db/client";
import { articleComments, type ArticleComment, type User } from "../../db/schema";
import { decodeAnchorEnd, type EncodedAnchor } from "../../newsroom/commentAnchor";
import { mentionedPeople } from "../../newsroom/mentions";
import { listEnabledUsers } from "../auth/enabledUsers";
import { announceCommentChange } from "../review/commentEvents";
import { commentText, findComment, lockForComment, storyCommentCount } from "../review/commentAccess";
import { maxCommentsPerStory } from "../review/reviewLimits";
import { announceNotifications } from "../notifications/notificationHub";
import { refuse, type CommandResult } from "./commandResult";
import { notifyMentioned } from "./mentionNotifier";

/** Longest quote (the text a thread was anchored on) kept with a thread. */
export const MAX_QUOTE_LENGTH = 500;

export interface CommentWriterProps {
  actor: User;
  articleId: string;
  text: string;
  /** A new thread: where it is anchored, and the text it covered then. */
  thread?: { anchor: EncodedAnchor; quote?: string | null };
  /** A reply: the thread it answers. */
  replyTo?: string;
}

/**
 * Writes a new comment thread or a reply (DESIGN.md §5), in one transaction under the story's
 * row lock: the writer may comment, the text and anchor are valid, the story is under its
 * comment limit. @mentions are stored with the comment; open streams hear of it once committed.
 */
export async function commentWriter(db: Db, props: CommentWriterProps): Promise<CommandResult<{ comment: ArticleComment }>> {
  const { actor, articleId, thread, replyTo } = props;
  const checked = commentText(props.text);
  if ("refusal" in checked) return checked.refusal;
  if (thread && (!decodeAnchorEnd(thread.anchor.start) || !decodeAnchorEnd(thread.anchor.end))) {
    return refuse("bad_request", "anchor 必须是 Y.encodeRelativePosition 的 base64 编码");
  }
  const quote = thread?.quote?.slice(0, MAX_QUOTE_LENGTH) ?? null;
  const people = await listEnabledUsers(db);
  let notified: string[] = [];
  const result = await db.transaction(async (tx): Promise<CommandResult<{ comment: ArticleComment }>> => {
    const refused = await lockForComment(tx, actor, articleId);
    if (refused) return refused;
    let threadId: string | null = null;
    if (replyTo !== undefined) {
      const found = await findComment(tx, articleId, replyTo);
      if ("refusal" in found) return found.refusal;
      // A reply to a reply joins the same thread.
      threadId = found.comment.threadId ?? found.comment.id;
    }
    const limit = maxCommentsPerStory();
    if ((await storyCommentCount(tx, articleId)) >= limit) {
      return refuse("conflict", `这篇稿件的评论已达上限（${limit} 条）`);
    }
    const [comment] = await tx
      .insert(articleComments)
      .values({
        articleId,
        threadId,
        authorId: actor.id,
        anchorStart: threadId ? null : (thread?.anchor.start ?? null),
        anchorEnd: threadId ? null : (thread?.anchor.end ?? null),
        quote: threadId ? null : quote,
        text: checked.text,
        mentions: mentionedPeople(checked.text, people),
      })
      .returning();
    notified = await notifyMentioned(tx, { actor, articleId, mentions: comment.mentions, people });
    return { ok: true, comment };
  });
  if (result.ok) {
    announceCommentChange(articleId);
    announceNotifications(notified);
  }
  return result;
}
