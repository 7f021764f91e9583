/** A person on a comment, as `GET /api/articles/:id/comments` returns them. */
export interface CommentPersonView {
  id: string;
  username: string;
  name: string;
}

/** One comment (a thread's first comment, or a reply). */
export interface CommentItem {
  id: string;
  author: CommentPersonView | null;
  text: string;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
}

/** A thread with its anchor, quote, state and replies. */
export interface ThreadItem extends CommentItem {
  anchor: { start: string; end: string } | null;
  quote: string | null;
  resolved: boolean;
  resolvedBy: CommentPersonView | null;
  replies: CommentItem[];
}
