import { Extension } from "@tiptap/core";
import type { Slice } from "@tiptap/pm/model";
import { Plugin, PluginKey, TextSelection, type EditorState, type Transaction } from "@tiptap/pm/state";
import { ReplaceStep } from "@tiptap/pm/transform";
import type { EditorView } from "@tiptap/pm/view";
import { ySyncPluginKey } from "@tiptap/y-tiptap";
import { suggestDeletion, suggestInsertion, type Suggester } from "@/newsroom/suggestionEdits";
import { SUGGEST_DELETE, SUGGEST_INSERT, isSuggestionAttrs } from "@/newsroom/suggestionMarks";

/**
 * 修订模式 in the editor: while it is on, typing, pasting, Backspace and Delete become
 * suggestions (`newsroom/suggestionEdits.ts`) instead of changing the text. Typed text is
 * intercepted before it reaches the document (`handleTextInput`); text that arrives another way
 * (an IME's composition, which must not be disturbed while it runs) is marked as the
 * suggester's insertion once the composition ends. Remote changes and Yjs undo (both arrive as
 * y-tiptap transactions) are never touched. Structure is not suggested: Enter splits the
 * paragraph directly (the text typed into it is suggested), and joining paragraphs, cutting and
 * dragging text are blocked while the mode is on.
 */
export const suggestModeKey = new PluginKey<boolean>("suggestMode");

export interface SuggestModeOptions {
  /** The signed-in user's id: every suggestion made here carries it (the server checks). */
  author: string;
}

export interface SuggestModeStorage {
  enabled: boolean;
}

declare module "@tiptap/core" {
  interface Commands<ReturnType> {
    suggestMode: {
      /** Turns 修订模式 on or off for this editor. */
      setSuggestMode: (enabled: boolean) => ReturnType;
    };
  }
  interface Storage {
    suggestMode: SuggestModeStorage;
  }
}

/** Text a change removed (`slice`) and where it stood in the current document (`at`). */
interface Removal {
  at: number;
  slice: Slice;
}

const newId = () => (globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`).replaceAll("-", "");

export const SuggestMode = Extension.create<SuggestModeOptions, SuggestModeStorage>({
  name: "suggestMode",
  addOptions: () => ({ author: "" }),
  addStorage: () => ({ enabled: false }),
  addCommands() {
    return {
      setSuggestMode:
        (enabled) =>
        ({ tr, dispatch }) => {
          this.storage.enabled = enabled;
          // A transaction (no steps) so toolbars reading the state re-render.
          if (dispatch) tr.setMeta(suggestModeKey, enabled);
          return true;
        },
    };
  },
  addProseMirrorPlugins() {
    const storage = this.storage;
    const who: Suggester = { author: this.options.author, now: () => Date.now(), newId };
    /** Ranges typed by an IME composition that is still running, mapped through every change. */
    let composed: { from: number; to: number }[] = [];
    /**
     * Text removed by a composition that is still running (an IME typing over a selection),
     * where it stood, mapped through every change: put back as a suggested deletion once the
     * composition ends.
     */
    let composedRemovals: Removal[] = [];
    const on = () => storage.enabled && who.author !== "";

    const run = (view: EditorView, edit: (tr: Transaction) => number | null): boolean => {
      const tr = view.state.tr;
      const caret = edit(tr);
      if (caret === null) return true;
      tr.setSelection(TextSelection.create(tr.doc, Math.max(0, Math.min(caret, tr.doc.content.size))));
      view.dispatch(tr.setMeta(suggestModeKey, true).scrollIntoView());
      return true;
    };

    return [
      new Plugin({
        key: suggestModeKey,
        props: {
          handleTextInput(view, from, to, text) {
            if (!on() || view.composing) return false;
            return run(view, (tr) => suggestInsertion(tr, from, to, text, who));
          },
          handleKeyDown(view, event) {
            if (!on() || view.composing || (event.key !== "Backspace" && event.key !== "Delete")) return false;
            takeSelectionFromPage(view);
            return run(view, (tr) => deleteByKey(view.state, tr, event.key === "Backspace" ? -1 : 1, who));
          },
          handlePaste(view, event) {
            if (!on()) return false;
            takeSelectionFromPage(view);
            const text = (event.clipboardData?.getData("text/plain") ?? "").replace(/\s*\n\s*/g, " ");
            const { from, to } = view.state.selection;
            return run(view, (tr) => suggestInsertion(tr, from, to, text, who));
          },
          handleDrop: () => on(),
          handleDOMEvents: {
            compositionend(view) {
              // After ProseMirror has read the composition's last text.
              setTimeout(() => markComposed(view), 0);
              return false;
            },
          },
        },
        filterTransaction(tr) {
          // Cutting would delete without a trace; the copy still happens.
          return !(on() && tr.getMeta("uiEvent") === "cut");
        },
        appendTransaction(transactions, _old, state) {
          if (!on()) return null;
          const now: { from: number; to: number }[] = [];
          const removedNow: Removal[] = [];
          for (const transaction of transactions) {
            /** What the running composition typed, where it stands before this transaction. */
            const typedBefore = composed;
            composed = composed.map((r) => ({ from: transaction.mapping.map(r.from, -1), to: transaction.mapping.map(r.to, 1) })).filter((r) => r.to > r.from);
            composedRemovals = composedRemovals.map((r) => ({ ...r, at: transaction.mapping.map(r.at, -1) }));
            if (!transaction.docChanged || transaction.getMeta(suggestModeKey) !== undefined || transaction.getMeta(ySyncPluginKey) !== undefined) continue;
            // A change made in this mode that did not come through the handlers above: text an
            // IME is composing is marked once the composition ends (marking it now would
            // disturb the composition), anything else at once.
            const into = transaction.getMeta("composition") !== undefined ? composed : now;
            const after = transactions.slice(transactions.indexOf(transaction) + 1);
            const removedInto = transaction.getMeta("composition") !== undefined ? composedRemovals : removedNow;
            transaction.steps.forEach((step, index) => {
              // Text removed without coming through the handlers (an IME typing over a
              // selection, autocorrect, a deletion that is no Backspace/Delete key): put back
              // before whatever replaced it, as a suggested deletion. Only within one paragraph:
              // joining paragraphs is not suggested.
              if (step instanceof ReplaceStep && step.from < step.to) {
                const before = transaction.docs[index];
                const $from = before.resolve(step.from);
                // The composition replacing its own text (pinyin by characters) removes nothing of the story's.
                const typed = typedBefore.map((r) => {
                  let { from, to } = r;
                  for (const earlier of transaction.steps.slice(0, index)) {
                    from = earlier.getMap().map(from, -1);
                    to = earlier.getMap().map(to, 1);
                  }
                  return { from, to };
                });
                const ownComposition = typed.some((r) => r.from <= step.from && step.to <= r.to);
                if (!ownComposition && $from.sameParent(before.resolve(step.to)) && $from.parent.inlineContent) {
                  let at = step.getMap().map(step.from, -1);
                  for (const later of transaction.steps.slice(index + 1)) at = later.getMap().map(at, -1);
                  for (const later of after) at = later.mapping.map(at, -1);
                  removedInto.push({ at, slice: before.slice(step.from, step.to) });
                }
              }
              step.getMap().forEach((_oldStart, _oldEnd, newStart, newEnd) => {
                let from = newStart;
                let to = newEnd;
                for (const later of transaction.steps.slice(index + 1)) {
                  from = later.getMap().map(from, 1);
                  to = later.getMap().map(to, -1);
                }
                for (const later of after) {
                  from = later.mapping.map(from, 1);
                  to = later.mapping.map(to, -1);
                }
                if (to > from) into.push({ from, to });
              });
            });
          }
          if (now.length === 0 && removedNow.length === 0) return null;
          const tr = state.tr;
          markInserted(tr, now);
          restoreRemoved(tr, removedNow);
          return tr.docChanged ? tr.setMeta(suggestModeKey, true) : null;
        },
      }),
    ];

    /** Marks text typed outside the handlers (an IME's composition) as the suggester's insertion. */
    function markComposed(view: EditorView): void {
      if (view.isDestroyed || view.composing || (composed.length === 0 && composedRemovals.length === 0)) return;
      const ranges = composed;
      const removals = composedRemovals;
      composed = [];
      composedRemovals = [];
      const tr = view.state.tr;
      markInserted(tr, ranges);
      restoreRemoved(tr, removals);
      if (tr.docChanged) view.dispatch(tr.setMeta(suggestModeKey, true));
    }

    /**
     * Puts removed text back where it stood and suggests deleting it (the suggester's own
     * suggested insertion in it goes for good, as with Backspace).
     */
    function restoreRemoved(tr: Transaction, removals: Removal[]): void {
      for (const { at, slice } of removals) {
        const pos = Math.min(tr.mapping.map(at, -1), tr.doc.content.size);
        if (!tr.doc.resolve(pos).parent.inlineContent) continue;
        tr.insert(pos, slice.content);
        suggestDeletion(tr, pos, pos + slice.size, who);
      }
    }

    /** Marks the unmarked text in `ranges` as the suggester's insertion (continuing their own before it). */
    function markInserted(tr: Transaction, ranges: { from: number; to: number }[]): void {
      const mark = tr.doc.type.schema.marks[SUGGEST_INSERT];
      for (const { from, to } of ranges) {
        const end = Math.min(to, tr.doc.content.size);
        tr.doc.nodesBetween(from, end, (node, pos) => {
          if (!node.isText) return true;
          if (node.marks.some((m) => m.type === mark && isSuggestionAttrs(m.attrs))) return false;
          const start = Math.max(from, pos);
          const stop = Math.min(end, pos + node.nodeSize);
          const $start = tr.doc.resolve(start);
          const previous = $start.nodeBefore?.marks.find((m) => m.type === mark && m.attrs.author === who.author);
          tr.addMark(start, stop, mark.create(previous?.attrs ?? { id: who.newId(), author: who.author, time: who.now() }));
          return false;
        });
      }
    }
  },
});

/**
 * Lets ProseMirror read what the page did that it has not read yet, above all a selection
 * moved since its last `selectionchange` (a later task, which a key press can overtake on a
 * busy machine), so a key or paste in 修订模式 acts on the selection the person sees. Without
 * it, a Backspace pressed right after selecting other text took back the last character the
 * person had typed (their own insertion goes without a trace) and left the selection alone.
 * `domObserver` is prosemirror-view's own (it flushes the same way on `selectionchange`);
 * it is internal, so it is looked up defensively.
 */
function takeSelectionFromPage(view: EditorView): void {
  (view as unknown as { domObserver?: { flush?: () => void } }).domObserver?.flush?.();
}

/**
 * Backspace (direction -1) or Delete (+1) in 修订模式: the selection, or the character beside
 * the caret (stepping over text already suggested for deletion), is suggested for deletion.
 * At a paragraph's edge nothing happens (joining paragraphs is not suggested). Returns the
 * caret's new place, or null to leave everything as it is.
 */
function deleteByKey(state: EditorState, tr: Transaction, direction: -1 | 1, who: Suggester): number | null {
  const { selection } = state;
  if (!selection.empty) return suggestDeletion(tr, selection.from, selection.to, who);
  let pos = selection.from;
  for (;;) {
    const $pos = state.doc.resolve(pos);
    const node = direction < 0 ? $pos.nodeBefore : $pos.nodeAfter;
    if (!node || !node.isText) return null;
    const deleted = node.marks.some((m) => m.type.name === SUGGEST_DELETE);
    // ProseMirror cuts the text node at the caret: nodeBefore ends at it, nodeAfter starts at it.
    if (!deleted) {
      // One character, or a surrogate pair (rare Han characters sit outside the BMP).
      const text = node.text ?? "";
      const index = direction < 0 ? text.length - 1 : 0;
      const code = text.charCodeAt(index);
      const pair = direction < 0 ? code >= 0xdc00 && code <= 0xdfff && index > 0 : code >= 0xd800 && code <= 0xdbff && text.length > 1;
      const width = pair ? 2 : 1;
      const from = direction < 0 ? pos - width : pos;
      const start = suggestDeletion(tr, from, from + width, who);
      return direction < 0 ? start : tr.mapping.map(from + width, 1);
    }
    // Step over text someone already suggested deleting, to the next character that is not.
    pos += direction * node.nodeSize;
  }
}
