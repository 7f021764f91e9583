"use client";

import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import Placeholder from "@tiptap/extension-placeholder";
import { EditorContent, useEditor } from "@tiptap/react";
import { useRouter } from "next/navigation";
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { refusalFor } from "@/newsroom/collabRefusal";
import { bodyExtensions, titleExtensions } from "@/newsroom/editorExtensions";
import { SAVE_STATUS_ZH, statusUnderAccess } from "@/newsroom/saveStatus";
import { ErrorAlert } from "@/app/ErrorAlert";
import { authorHighlightKey, authorHighlightPlugin, type AuthorInfo } from "./authorHighlight";
import { EditorToolbar } from "./EditorToolbar";
import { StoryStatsLine } from "./StoryStatsLine";
import { EditableFigure, PhotoDropAndPaste, type PhotoNotice } from "./photoEditing";
import { ChecksPanel } from "./review/ChecksPanel";
import { storyTextChanged } from "./review/storyStream";
import { SuggestMode } from "./suggestions/suggestMode";
import { SuggestionsPanel, SuggestModeToggle } from "./suggestions/SuggestionsPanel";
import { CommentsPanel } from "./review/CommentsPanel";
import { usePendingPageAction } from "./pendingPageAction";
import { useAccess } from "./useAccess";
import { useCollabSession, type CollabSession } from "./useCollabSession";
import { useLocalCopyState } from "./useLocalCopyState";
import type { Person } from "@/newsroom/person";
import { usePresence } from "./usePresence";
import { useSaveStatus } from "./useSaveStatus";

interface StoryEditorProps {
  articleId: string;
  user: Person;
  /** The article's state and this user's right to write, as the page was rendered. */
  state: string;
  canEdit: boolean;
  /** May read and write review comments (members and the desk, in every state). */
  canComment: boolean;
  /** May override a failed machine check (the desk). */
  canOverrideChecks: boolean;
  /** What to show when this person cannot write (the reason, a way to ask to join). */
  readOnlyNotice?: ReactNode;
  /** Suggestion mode (修订): the newsroom's people (authors' names and colours), and whether it starts on. */
  suggestions: SuggestionSettings;
}

interface SuggestionSettings {
  people: Person[];
  byDefault: boolean;
}

/** How long the page waits for the socket's notice of a state it already shows before it asks again. */
const NOTICE_CATCH_UP_MS = 2000;

/** The live story: title and body editors over one Y.Doc, presence and the save status. */
export function StoryEditor({
  articleId,
  user,
  state,
  canEdit: initiallyWritable,
  canComment,
  canOverrideChecks,
  readOnlyNotice,
  suggestions,
}: StoryEditorProps) {
  const session = useCollabSession(articleId, user.id);
  const localCopy = useLocalCopyState(session);
  const connection = useSaveStatus(session);
  const { refusedCode, refusedReason } = connection;
  const refusal = refusedCode === null ? null : refusalFor(refusedCode, refusedReason);
  const people = usePresence(session);
  const access = useAccess(session, { state, canWrite: initiallyWritable });
  const canEdit = access.canWrite;
  const status = statusUnderAccess(connection.status, canEdit);

  // Someone moved the story on (submitted, approved…): refresh the panels around the editor.
  // Not when this page's own workflow button did it: the action's answer brings the page
  // re-rendered, so the socket's notice (before or after that answer) asks for nothing more.
  const router = useRouter();
  const actionPending = usePendingPageAction();
  const judgedNotice = useRef(access.state);
  useEffect(() => {
    if (actionPending) return;
    if (access.state === state) {
      judgedNotice.current = access.state;
      return;
    }
    if (judgedNotice.current !== access.state) {
      judgedNotice.current = access.state;
      router.refresh();
      return;
    }
    // The page moved away from the last notice: normally its own action's answer, whose notice
    // follows at once. If none comes, the page was rendered before a later change (a refresh
    // answered after a colleague moved the story back): ask again.
    const stale = setTimeout(() => router.refresh(), NOTICE_CATCH_UP_MS);
    return () => clearTimeout(stale);
  }, [access.state, state, actionPending, router]);

  // Leaving with edits the server has not committed would lose them, unless they are on the
  // device (the next visit sends them): ask first. One listener for the page's life, reading
  // the latest state: adding and removing it as each keystroke goes "saving" and back costs a
  // message to the browser process every time (the typing page's costliest call in its profile).
  const isUnsaved = (status === "saving" || status === "offline") && localCopy !== "stored";
  const unsaved = useRef(false);
  // Before paint: a close right after the render that made the edits safe must not still ask.
  useLayoutEffect(() => {
    unsaved.current = isUnsaved;
  }, [isUnsaved]);
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (unsaved.current) event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, []);

  // The same object while the rights stay the same, so the memoized editors below are not
  // rendered again each time the status line changes (twice per keystroke).
  const review = useMemo(() => ({ canComment, canOverrideChecks }), [canComment, canOverrideChecks]);

  return (
    <section className="story-editor">
      <div className="editor-status-bar">
        <span className={`save-status save-${status}`} data-testid="save-status" role="status">
          {SAVE_STATUS_ZH[status]}
        </span>
        {session && <StoryStatsLine doc={session.doc} />}
        <ul className="presence" aria-label="正在编辑的人" data-testid="presence">
          {people.map((p) => (
            <li key={p.id} style={{ borderColor: p.color }}>
              <span className="dot" style={{ background: p.color }} />
              {p.name}
              {p.id === user.id ? "（我）" : ""}
            </li>
          ))}
        </ul>
      </div>
      {refusal && (
        <p role="alert" className="error" data-testid="connection-refused">
          {refusal.message}
          {refusal.offerSignIn && (
            <a className="sign-in-again" href={`/login?next=${encodeURIComponent(`/articles/${articleId}`)}`} data-testid="sign-in-again">
              重新登录
            </a>
          )}
          {refusal.offerReload && (
            <button type="button" className="link-button" onClick={() => window.location.reload()}>
              重新载入
            </button>
          )}
        </p>
      )}
      {!canEdit &&
        (readOnlyNotice ?? (
          <p className="notice" data-testid="read-only-notice">
            这篇稿件当前对你只读。
          </p>
        ))}
      {status === "offline" && canEdit && (
        <p className="notice" role="status" data-testid="offline-notice">
          {OFFLINE_NOTICE_ZH[localCopy]}
        </p>
      )}
      {status === "refused" && (
        <p role="alert" className="error" data-testid="refused-edits">
          你最后的修改在稿件锁定之后才到达，没有保存。
          <button type="button" className="link-button" onClick={() => void reloadSavedText(session)}>
            重新载入已保存的文本
          </button>
        </p>
      )}
      {session ? (
        <Editors
          articleId={articleId}
          session={session}
          user={user}
          canEdit={canEdit}
          review={review}
          suggestions={suggestions}
        />
      ) : (
        <p className="muted">连接中…</p>
      )}
    </section>
  );
}

/** What the offline notice says, by where this tab's edits are kept. */
const OFFLINE_NOTICE_ZH = {
  stored: "已离线：修改已保存在本机，联网后自动同步（关闭页面也不会丢失）。",
  storing: "已离线：正在把修改保存到本机…",
  unavailable: "已离线：你的修改暂存在这个页面里（请勿关闭），恢复连接后会自动同步。",
} as const;

/**
 * Drops the edits the server refused and shows its text: the device's copy goes too, or the
 * refused edits would come back with the next load.
 */
async function reloadSavedText(session: CollabSession | null): Promise<void> {
  await session?.localCopy?.clear();
  window.location.reload();
}

interface EditorsProps {
  articleId: string;
  session: CollabSession;
  user: Person;
  canEdit: boolean;
  review: { canComment: boolean; canOverrideChecks: boolean };
  suggestions: SuggestionSettings;
}

/** Memoized: the status line and presence above change without re-rendering the editors. */
const Editors = memo(function Editors({ articleId, session, user, canEdit, review, suggestions }: EditorsProps) {
  const { doc, provider } = session;
  const textColumn = useRef<HTMLDivElement>(null);
  const [toolbarError, setToolbarError] = useState<string | null>(null);
  const [photoNotice, setPhotoNotice] = useState<PhotoNotice>(null);
  const [showAuthors, setShowAuthors] = useState(false);
  const bodyRef = useRef<ReturnType<typeof useEditor>>(null);

  const title = useEditor(
    {
      immediatelyRender: false,
      editable: false,
      extensions: [
        ...titleExtensions(() => bodyRef.current?.commands.focus("start")),
        Collaboration.configure({ document: doc, field: "title" }),
        Placeholder.configure({ placeholder: "标题" }),
      ],
      editorProps: { attributes: { class: "title-editor", "aria-label": "标题", "data-testid": "title-editor" } },
    },
    [doc],
  );

  const body = useEditor(
    {
      immediatelyRender: false,
      editable: false,
      extensions: [
        ...bodyExtensions({ figure: EditableFigure }),
        PhotoDropAndPaste.configure({ notify: setPhotoNotice }),
        Collaboration.configure({ document: doc, field: "body" }),
        CollaborationCaret.configure({ provider, user }),
        Placeholder.configure({ placeholder: "正文……" }),
        SuggestMode.configure({ author: user.id }),
      ],
      editorProps: { attributes: { class: "body-editor", "aria-label": "正文", "data-testid": "body-editor" } },
    },
    [doc, provider],
  );
  bodyRef.current = body;

  // Rights change live (the editor approves while a reporter types): lock or unlock in place.
  useEffect(() => {
    title?.setEditable(canEdit);
    body?.setEditable(canEdit);
  }, [title, body, canEdit]);

  // The review panels outside the editor (三审) learn of every change of the text, anyone's.
  useEffect(() => {
    const changed = () => storyTextChanged(articleId);
    doc.on("update", changed);
    return () => doc.off("update", changed);
  }, [doc, articleId]);

  // 修订模式 starts on where the desk reviews (待审), and follows the state as it changes live.
  useEffect(() => {
    body?.commands.setSuggestMode(suggestions.byDefault);
  }, [body, suggestions.byDefault]);

  // "显示作者": colour the body by who wrote each character (authors as the server records them).
  // Owners only change when a new Yjs client id writes, so the list is fetched again only when
  // the document shows a client id not asked about yet; no timer re-reads the history.
  useEffect(() => {
    if (!body || !showAuthors) return;
    const authors = new Map<number, AuthorInfo>();
    // This tab's own edits are this user's; the server records them once they are committed.
    authors.set(doc.clientID, { name: user.name, color: user.color });
    const asked = new Set<number>([doc.clientID]);
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    const refresh = async () => {
      timer = null;
      for (const client of doc.store.clients.keys()) asked.add(client);
      const response = await fetch(`/api/articles/${articleId}/authors`);
      if (!response.ok || stopped) return;
      const data = (await response.json()) as { clients: Record<string, string | null>; people: Record<string, AuthorInfo> };
      for (const [client, userId] of Object.entries(data.clients)) {
        const person = userId ? data.people[userId] : undefined;
        authors.set(Number(client), person ?? { name: "系统", color: "#9ca3af" });
      }
      if (!body.isDestroyed) body.view.dispatch(body.state.tr.setMeta(authorHighlightKey, true));
    };
    const onUpdate = () => {
      if (timer !== null) return;
      for (const client of doc.store.clients.keys()) {
        if (asked.has(client)) continue;
        // A short wait gathers the client ids of several colleagues joining at once.
        timer = setTimeout(() => void refresh(), 1000);
        return;
      }
    };
    body.registerPlugin(authorHighlightPlugin(doc.getXmlFragment("body"), (client) => authors.get(client)));
    doc.on("update", onUpdate);
    void refresh();
    return () => {
      stopped = true;
      doc.off("update", onUpdate);
      if (timer !== null) clearTimeout(timer);
      if (!body.isDestroyed) body.unregisterPlugin(authorHighlightKey);
    };
  }, [body, doc, showAuthors, articleId, user.name, user.color]);

  return (
    <div className="editors">
      <label className="show-authors">
        <input type="checkbox" checked={showAuthors} onChange={(e) => setShowAuthors(e.target.checked)} data-testid="show-authors" />
        显示作者
      </label>
      {body && canEdit && (
        <EditorToolbar editor={body} onError={setToolbarError} onPhotoNotice={setPhotoNotice}>
          <SuggestModeToggle editor={body} />
        </EditorToolbar>
      )}
      {photoNotice && (
        <p role={photoNotice.kind === "error" ? "alert" : "status"} className={photoNotice.kind === "error" ? "error" : "notice"} data-testid="photo-notice">
          {photoNotice.text}
        </p>
      )}
      <ErrorAlert message={toolbarError} />
      <div className={review.canComment ? "review-layout" : undefined}>
        <div className="review-text" ref={textColumn}>
          <EditorContent editor={title} />
          <EditorContent editor={body} />
        </div>
        {review.canComment && body && <CommentsPanel articleId={articleId} editor={body} doc={doc} userId={user.id} textColumn={textColumn} />}
      </div>
      {body && <SuggestionsPanel editor={body} people={suggestions.people} canDecide={canEdit} />}
      <ChecksPanel articleId={articleId} doc={doc} canOverride={review.canOverrideChecks} live={review.canComment} />
    </div>
  );
});
