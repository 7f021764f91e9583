"use client";

import type { Editor } from "@tiptap/core";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type * as Y from "yjs";
import { ErrorAlert } from "@/app/ErrorAlert";
import { anchorOfRange, rangeOfAnchor, type EditorRange } from "./anchorMapping";
import { commentHighlightKey, commentHighlightPlugin, type HighlightRange } from "./commentHighlight";
import { CommentThreadCard } from "./CommentThreadCard";
import { sendJson, useCommentThreads } from "./useCommentThreads";

interface CommentsPanelProps {
  articleId: string;
  editor: Editor;
  doc: Y.Doc;
  userId: string;
  /** The editor's text column: margin cards line up with their anchors inside it. */
  textColumn: React.RefObject<HTMLDivElement | null>;
}

/** The editor range of the reader's text selection, when it lies in the body editor. */
function selectedRange(editor: Editor): { from: number; to: number } | null {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  if (!editor.view.dom.contains(range.startContainer) || !editor.view.dom.contains(range.endContainer)) return null;
  try {
    const from = editor.view.posAtDOM(range.startContainer, range.startOffset);
    const to = editor.view.posAtDOM(range.endContainer, range.endOffset);
    return to > from ? { from, to } : null;
  } catch {
    return null;
  }
}

/**
 * Review comments beside the story: open threads in the margin next to their text (which is
 * highlighted), every thread in a list below, and "添加评论" on a text selection. Anchors are
 * resolved against the live document each time it changes.
 */
export function CommentsPanel({ articleId, editor, doc, userId, textColumn }: CommentsPanelProps) {
  const { threads, error } = useCommentThreads(articleId, true);
  const [, setVersion] = useState(0);
  const [active, setActive] = useState<string | null>(null);
  const [pending, setPending] = useState<{ from: number; to: number } | null>(null);
  const [draft, setDraft] = useState("");
  const [formError, setFormError] = useState<string | null>(null);
  const [selection, setSelection] = useState<{ from: number; to: number } | null>(null);
  const margin = useRef<HTMLDivElement>(null);

  // Anchors move with every edit, local or remote: resolve them again after each change (only
  // while there are threads: a story without comments is not re-rendered per keystroke). Once
  // per frame, asked for in the frame's callbacks so the render (and the layout the margin
  // reads) comes after the paint that shows the keystroke, not before it.
  const hasThreads = threads.length > 0;
  useEffect(() => {
    if (!hasThreads) return;
    let frame: number | null = null;
    const bump = () => {
      frame ??= requestAnimationFrame(() => {
        frame = null;
        setVersion((v) => v + 1);
      });
    };
    doc.on("update", bump);
    return () => {
      doc.off("update", bump);
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [doc, hasThreads]);
  useEffect(() => {
    const onSelection = () => setSelection(selectedRange(editor));
    document.addEventListener("selectionchange", onSelection);
    return () => document.removeEventListener("selectionchange", onSelection);
  }, [editor]);

  const ranges = new Map<string, EditorRange | null>();
  for (const thread of threads) ranges.set(thread.id, thread.anchor ? rangeOfAnchor(editor, doc, thread.anchor) : null);
  const inMargin = threads.filter((t) => !t.resolved && ranges.get(t.id)?.deleted === false);
  const elsewhere = threads.filter((t) => !inMargin.includes(t));

  // Highlights: the plugin asks for the current ranges whenever the text changes.
  const highlight = useRef<() => HighlightRange[]>(() => []);
  highlight.current = () =>
    inMargin.flatMap((t) => {
      const range = ranges.get(t.id);
      return range && !range.deleted ? [{ id: t.id, from: range.from, to: range.to, active: t.id === active }] : [];
    });
  useEffect(() => {
    editor.registerPlugin(commentHighlightPlugin(() => highlight.current()));
    return () => {
      if (!editor.isDestroyed) editor.unregisterPlugin(commentHighlightKey);
    };
  }, [editor]);
  // New threads, resolving and picking one rebuild the highlights; so do anchors resolved anew
  // after an edit: the rebuild an edit itself makes reads the ranges of the render before it.
  const placed = inMargin
    .map((t) => {
      const range = ranges.get(t.id);
      return range && !range.deleted ? `${t.id}@${range.from}-${range.to}` : t.id;
    })
    .join(",");
  const key = `${threads.map((t) => `${t.id}:${t.resolved}`).join(",")}|${active}|${placed}`;
  useEffect(() => {
    if (!editor.isDestroyed) editor.view.dispatch(editor.state.tr.setMeta(commentHighlightKey, true));
  }, [editor, key]);

  // Margin cards sit level with their text, pushed down where they would overlap.
  useLayoutEffect(() => {
    const column = textColumn.current;
    const box = margin.current;
    if (!column || !box) return;
    const top = box.getBoundingClientRect().top;
    let bottom = 0;
    for (const card of Array.from(box.querySelectorAll<HTMLElement>("[data-thread]"))) {
      const range = ranges.get(card.dataset.thread ?? "");
      let want = bottom;
      if (range && !range.deleted) {
        try {
          want = editor.view.coordsAtPos(range.from).top - top;
        } catch {
          // the position is briefly out of the document mid-sync
        }
      }
      const at = Math.max(want, bottom);
      card.style.top = `${at}px`;
      bottom = at + card.offsetHeight + 8;
    }
    box.style.minHeight = `${bottom}px`;
  });

  const startComment = useCallback(() => {
    setPending(selection);
    setFormError(null);
  }, [selection]);
  const submit = async () => {
    if (!pending) return;
    const anchor = anchorOfRange(editor, doc, pending.from, pending.to);
    if (!anchor) {
      setFormError("请先在正文中选中要评论的文字");
      return;
    }
    const quote = editor.state.doc.textBetween(pending.from, pending.to, "\n").slice(0, 500);
    const failed = await sendJson("POST", `/api/articles/${articleId}/comments`, { anchor, quote, text: draft });
    setFormError(failed);
    if (!failed) {
      setDraft("");
      setPending(null);
    }
  };

  const card = (thread: (typeof threads)[number]) => (
    <CommentThreadCard
      key={thread.id}
      articleId={articleId}
      thread={thread}
      userId={userId}
      anchorDeleted={ranges.get(thread.id)?.deleted === true}
      active={thread.id === active}
      onActivate={() => setActive(thread.id)}
    />
  );
  return (
    <aside className="comments-panel" aria-label="评论">
      <div className="comment-new">
        <button type="button" onMouseDown={(e) => e.preventDefault()} onClick={startComment} disabled={!selection} data-testid="comment-add">
          添加评论
        </button>
        {pending && (
          <div className="comment-form">
            <textarea value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="评论（可用 @姓名 提及同事）" aria-label="评论内容" data-testid="comment-input" />
            <button type="button" disabled={!draft.trim()} onClick={() => void submit()} data-testid="comment-send">
              发表
            </button>
            <button type="button" className="link-button" onClick={() => setPending(null)}>
              取消
            </button>
          </div>
        )}
        <ErrorAlert message={formError || error} />
      </div>
      <div className="comment-margin" ref={margin} data-testid="comment-margin">
        {inMargin.map(card)}
      </div>
      <section className="comment-list" aria-label="评论列表" data-testid="comment-list">
        <h3>评论列表（{threads.length}）</h3>
        {threads.length === 0 && <p className="muted">还没有评论。选中正文中的文字即可评论。</p>}
        <ol>
          {threads.map((t) => (
            <li key={t.id}>
              <button type="button" className="link-button" onClick={() => setActive(t.id)}>
                {t.quote ? `“${t.quote.slice(0, 20)}”` : "（无引文）"}
              </button>{" "}
              {t.deleted ? "（已删除）" : t.text.slice(0, 30)}
              {t.resolved ? " · 已解决" : ""}
              {ranges.get(t.id)?.deleted ? " · 原文已删除" : ""}
              {t.replies.length > 0 ? ` · ${t.replies.length} 条回复` : ""}
            </li>
          ))}
        </ol>
        {elsewhere.map(card)}
      </section>
    </aside>
  );
}
