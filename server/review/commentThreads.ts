import "server-only";
import { and, asc, eq, inArray, isNull, count } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleComments, users, type ArticleComment } from "../../db/schema";

/** A person as a comment shows them. */
export interface CommentPerson {
  id: string;
  username: string;
  name: string;
}

/** One comment as the API returns it. */
export interface CommentView {
  id: string;
  author: CommentPerson | null;
  text: string;
  mentions: CommentPerson[];
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
}

/** A thread: its first comment with the anchor, the quote and its state, then the replies. */
export interface ThreadView extends CommentView {
  anchor: { start: string; end: string } | null;
  quote: string | null;
  resolved: boolean;
  resolvedBy: CommentPerson | null;
  resolvedAt: string | null;
  replies: CommentView[];
}

function commentView(comment: ArticleComment, people: Map<string, CommentPerson>): CommentView {
  return {
    id: comment.id,
    author: people.get(comment.authorId) ?? null,
    text: comment.text,
    mentions: comment.mentions.flatMap((id) => people.get(id) ?? []),
    createdAt: comment.createdAt.toISOString(),
    editedAt: comment.editedAt?.toISOString() ?? null,
    deleted: comment.deletedAt !== null,
  };
}

/** Every thread of a story, oldest first, each with its replies oldest first. */
export async function listCommentThreads(db: Db, articleId: string): Promise<ThreadView[]> {
  const rows = await db
    .select()
    .from(articleComments)
    .where(eq(articleComments.articleId, articleId))
    .orderBy(asc(articleComments.createdAt), asc(articleComments.id));
  const ids = new Set(rows.flatMap((r) => [r.authorId, ...r.mentions, ...(r.resolvedBy ? [r.resolvedBy] : [])]));
  const found =
    ids.size === 0
      ? []
      : await db
          .select({ id: users.id, username: users.username, name: users.displayName })
          .from(users)
          .where(inArray(users.id, [...ids]));
  const people = new Map(found.map((p) => [p.id, p]));
  const threads = new Map<string, ThreadView>();
  for (const row of rows) {
    if (row.threadId !== null) continue;
    threads.set(row.id, {
      ...commentView(row, people),
      anchor: row.anchorStart && row.anchorEnd ? { start: row.anchorStart, end: row.anchorEnd } : null,
      quote: row.quote,
      resolved: row.resolvedAt !== null,
      resolvedBy: row.resolvedBy ? (people.get(row.resolvedBy) ?? null) : null,
      resolvedAt: row.resolvedAt?.toISOString() ?? null,
      replies: [],
    });
  }
  for (const row of rows) {
    if (row.threadId !== null) threads.get(row.threadId)?.replies.push(commentView(row, people));
  }
  return [...threads.values()];
}

/** Open threads of a story (not resolved, first comment not deleted): what blocks 签发. */
export async function openThreadCount(db: Db, articleId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(articleComments)
    .where(
      and(
        eq(articleComments.articleId, articleId),
        isNull(articleComments.threadId),
        isNull(articleComments.resolvedAt),
        isNull(articleComments.deletedAt),
      ),
    );
  return Number(row?.n ?? 0);
}
