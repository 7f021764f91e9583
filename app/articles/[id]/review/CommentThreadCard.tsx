"use client";

import { useState } from "react";
import { formatShortTime } from "@/newsroom/timeFormat";
import { ErrorAlert } from "@/app/ErrorAlert";
import { sendJson } from "./useCommentThreads";
import type { CommentItem, ThreadItem } from "./threadTypes";

interface CommentThreadCardProps {
  articleId: string;
  thread: ThreadItem;
  userId: string;
  /** The text it was anchored on is gone: show the quote under "原文已删除". */
  anchorDeleted: boolean;
  active: boolean;
  onActivate: () => void;
}

/** One comment: author, time, text, and edit/delete when it is the reader's own. */
function CommentLine({ articleId, comment, userId }: { articleId: string; comment: CommentItem; userId: string }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(comment.text);
  const [error, setError] = useState<string | null>(null);
  const url = `/api/articles/${articleId}/comments/${comment.id}`;
  if (comment.deleted) return <p className="comment-deleted muted">（评论已删除）</p>;
  const own = comment.author?.id === userId;
  const save = async () => {
    const failed = await sendJson("PATCH", url, { text: draft });
    setError(failed);
    if (!failed) setEditing(false);
  };
  return (
    <div className="comment" data-testid="comment">
      <div className="comment-head">
        <strong>{comment.author?.name ?? "未知用户"}</strong> <time>{formatShortTime(comment.createdAt)}</time>
        {comment.editedAt && <span className="muted">（已编辑）</span>}
      </div>
      {editing ? (
        <>
          <textarea value={draft} onChange={(e) => setDraft(e.target.value)} aria-label="修改评论" />
          <button type="button" onClick={() => void save()}>保存</button>
          <button type="button" className="link-button" onClick={() => setEditing(false)}>取消</button>
        </>
      ) : (
        <p className="comment-text" data-testid="comment-text">{comment.text}</p>
      )}
      {own && !editing && (
        <span className="comment-own-actions">
          <button type="button" className="link-button" onClick={() => setEditing(true)}>编辑</button>
          <button type="button" className="link-button" onClick={() => void sendJson("DELETE", url).then(setError)}>删除</button>
        </span>
      )}
      <ErrorAlert message={error} />
    </div>
  );
}

/** A thread as a card: what it is anchored on, its comments, a reply box, resolve/reopen. */
export function CommentThreadCard({ articleId, thread, userId, anchorDeleted, active, onActivate }: CommentThreadCardProps) {
  const [reply, setReply] = useState("");
  const [error, setError] = useState<string | null>(null);
  const base = `/api/articles/${articleId}/comments/${thread.id}`;
  const sendReply = async () => {
    const failed = await sendJson("POST", `${base}/replies`, { text: reply });
    setError(failed);
    if (!failed) setReply("");
  };
  return (
    <article
      className={`comment-thread${active ? " comment-thread-active" : ""}${thread.resolved ? " comment-thread-resolved" : ""}`}
      data-testid="comment-thread"
      data-thread={thread.id}
      onClick={onActivate}
    >
      {anchorDeleted ? (
        <p className="comment-quote comment-quote-deleted" data-testid="anchor-deleted">
          原文已删除：<q>{thread.quote ?? ""}</q>
        </p>
      ) : (
        thread.quote && <p className="comment-quote"><q>{thread.quote}</q></p>
      )}
      {thread.resolved && <p className="muted" data-testid="thread-resolved">已解决{thread.resolvedBy ? `(${thread.resolvedBy.name})` : ""}</p>}
      <CommentLine articleId={articleId} comment={thread} userId={userId} />
      {thread.replies.map((r) => (
        <CommentLine key={r.id} articleId={articleId} comment={r} userId={userId} />
      ))}
      <div className="comment-reply">
        <textarea value={reply} onChange={(e) => setReply(e.target.value)} placeholder="回复…" aria-label="回复" data-testid="reply-input" />
        <button type="button" disabled={!reply.trim()} onClick={() => void sendReply()} data-testid="reply-send">回复</button>
        <button
          type="button"
          onClick={() => void sendJson("POST", `${base}/resolve`, { resolved: !thread.resolved }).then(setError)}
          data-testid="thread-resolve"
        >
          {thread.resolved ? "重新打开" : "解决"}
        </button>
      </div>
      <ErrorAlert message={error} />
    </article>
  );
}
