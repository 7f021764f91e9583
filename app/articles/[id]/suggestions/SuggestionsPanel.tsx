"use client";

import { useEditorState, type Editor } from "@tiptap/react";
import { useRef } from "react";
import type { Person } from "@/newsroom/person";
import { decideSuggestions, type Decision } from "@/newsroom/suggestionEdits";
import { suggestionsInNode, type OpenSuggestion } from "@/newsroom/suggestions";
import { formatShortTime } from "@/newsroom/timeFormat";
import { userColor } from "@/newsroom/userColor";
import { suggestModeKey } from "./suggestMode";

const KIND_ZH = { insert: "增加", delete: "删除" } as const;

/** A colour for an author the page does not know (a disabled account): stable per id. */
function fallbackColor(id: string): string {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return userColor(hash);
}

/** CSS giving each author's suggestions their colour (ids are checked: they end up in a selector). */
function authorColors(people: readonly Person[]): string {
  return people
    .filter((p) => /^[A-Za-z0-9_-]+$/.test(p.id) && /^#[0-9a-fA-F]{3,8}$/.test(p.color))
    .map((p) => `.body-editor [data-author="${p.id}"]{--suggest-color:${p.color}}`)
    .join("\n");
}

/**
 * "修订": the open suggestions of the story, read from the live document (so they follow
 * every edit, local or remote), each with its author, time and text, accepted or rejected one
 * by one or all at once by whoever may change the text now. A decision is an ordinary edit of
 * the shared document.
 */
export function SuggestionsPanel({ editor, people, canDecide }: { editor: Editor; people: readonly Person[]; canDecide: boolean }) {
  // The selector runs on every transaction (caret moves and colleagues' carets too): the
  // document is walked again only when it is a new one.
  const read = useRef<{ doc: unknown; list: OpenSuggestion[] }>({ doc: null, list: [] });
  const suggestions = useEditorState({
    editor,
    selector: ({ editor: e }) => {
      if (read.current.doc !== e.state.doc) read.current = { doc: e.state.doc, list: suggestionsInNode(e.state.doc) };
      return read.current.list;
    },
    equalityFn: sameSuggestions,
  });
  const byId = new Map(people.map((p) => [p.id, p]));
  const decide = (decision: Decision, ids?: ReadonlySet<string>) => {
    const tr = editor.state.tr;
    if (decideSuggestions(tr, decision, ids) > 0) editor.view.dispatch(tr.setMeta(suggestModeKey, true));
  };
  return (
    <section className="suggestions-panel" aria-label="修订" data-testid="suggestions-panel">
      <style>{authorColors(people)}</style>
      <h2>修订{suggestions.length > 0 ? `(${suggestions.length})` : ""}</h2>
      {suggestions.length === 0 ? (
        <p className="muted" data-testid="no-suggestions">
          没有待处理的修订。
        </p>
      ) : (
        <>
          {canDecide && (
            <p className="suggestion-all">
              <button type="button" onClick={() => decide("accept")} data-testid="accept-all-suggestions">
                全部接受
              </button>
              <button type="button" onClick={() => decide("reject")} data-testid="reject-all-suggestions">
                全部拒绝
              </button>
            </p>
          )}
          <ul>
            {suggestions.map((s) => {
              const author = byId.get(s.author);
              return (
                <li key={`${s.kind}:${s.id}`} data-testid="suggestion" data-kind={s.kind}>
                  <span className="suggestion-author" style={{ color: author?.color ?? fallbackColor(s.author) }}>
                    {author?.name ?? "已停用的账号"}
                  </span>
                  <span className="muted">{formatShortTime(new Date(s.time).toISOString())}</span>{" "}
                  {KIND_ZH[s.kind]}：
                  {s.kind === "insert" ? <ins>{s.text}</ins> : <del>{s.text}</del>}
                  {canDecide && (
                    <span className="suggestion-actions">
                      <button type="button" onClick={() => decide("accept", new Set([s.id]))} data-testid="accept-suggestion">
                        接受
                      </button>
                      <button type="button" onClick={() => decide("reject", new Set([s.id]))} data-testid="reject-suggestion">
                        拒绝
                      </button>
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}

function sameSuggestions(a: OpenSuggestion[], b: OpenSuggestion[] | null): boolean {
  if (a === b) return true;
  if (!b || a.length !== b.length) return false;
  return a.every((s, i) => s.id === b[i].id && s.kind === b[i].kind && s.text === b[i].text && s.author === b[i].author);
}

/** The toolbar's 修订模式 switch. */
export function SuggestModeToggle({ editor }: { editor: Editor }) {
  const enabled = useEditorState({ editor, selector: ({ editor: e }) => e.storage.suggestMode.enabled });
  return (
    <button
      type="button"
      title="修订模式：输入和删除记为修订，由作者接受或拒绝"
      aria-pressed={enabled}
      className={enabled ? "active suggest-toggle" : "suggest-toggle"}
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => editor.commands.setSuggestMode(!enabled)}
      data-testid="suggest-mode"
    >
      修订模式
    </button>
  );
}
