import { getSchema } from "@tiptap/core";
import { EditorState, type Transaction } from "@tiptap/pm/state";
import { updateYFragment, yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { bodyExtensions } from "../../newsroom/editorExtensions";
import type { Suggester } from "../../newsroom/suggestionEdits";

export const bodySchema = getSchema(bodyExtensions());

/**
 * Edits a Yjs document's body the way the editor does: the body as ProseMirror sees it, a
 * transaction (the suggestion transforms the editor's 修订模式 uses), and the result written
 * back into the fragment by y-tiptap's diff (what the editor's sync plugin sends).
 */
export function editBody(doc: Y.Doc, edit: (tr: Transaction) => void): void {
  const fragment = doc.getXmlFragment("body");
  const state = EditorState.create({ doc: yXmlFragmentToProseMirrorRootNode(fragment, bodySchema) });
  const tr = state.tr;
  edit(tr);
  doc.transact(() => updateYFragment(doc, fragment, tr.doc, { mapping: new Map(), isOMark: new Map() }));
}

/** The body as ProseMirror sees it. */
export const bodyNode = (doc: Y.Doc) => yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment("body"), bodySchema);

/** Where `text` starts in the body (a ProseMirror position), or -1. */
export function positionOf(doc: Y.Doc, text: string): number {
  let found = -1;
  bodyNode(doc).descendants((node, pos) => {
    if (found >= 0) return false;
    if (node.isText && node.text!.includes(text)) found = pos + node.text!.indexOf(text);
    return true;
  });
  return found;
}

let counter = 0;
/** A suggester with predictable ids (the editor uses random ones). */
export function suggester(author: string, time = Date.UTC(2026, 10, 27, 13, 24)): Suggester {
  return { author, now: () => time, newId: () => `s${++counter}${author.slice(0, 4).replace(/[^A-Za-z0-9]/g, "")}` };
}
