"use client";

import type { Editor } from "@tiptap/core";
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from "@tiptap/y-tiptap";
import type * as Y from "yjs";
import { decodeAnchorEnd, encodeAnchor, resolveTextAnchor, type EncodedAnchor } from "@/newsroom/commentAnchor";

/** Where a thread's anchor lies in the editor now: a ProseMirror range, or deleted. */
export type EditorRange = { deleted: false; from: number; to: number } | { deleted: true };

type ProsemirrorMapping = Parameters<typeof relativePositionToAbsolutePosition>[3];

/** The sync plugin's map between Yjs types and ProseMirror nodes (absent before it is set up). */
function mapping(editor: Editor): ProsemirrorMapping | undefined {
  return (ySyncPluginKey.getState(editor.state) as { binding?: { mapping: ProsemirrorMapping } } | undefined)?.binding?.mapping;
}

/**
 * A range of the editor (a selection) as an anchor: relative positions in the `body` fragment.
 */
export function anchorOfRange(editor: Editor, doc: Y.Doc, from: number, to: number): EncodedAnchor | null {
  const map = mapping(editor);
  if (!map || to <= from) return null;
  const fragment = doc.getXmlFragment("body");
  // y-tiptap ties each position to the character on its left (assoc -1): the end stays on the
  // range's last character, so text typed just after the range is not pulled into it.
  const start = absolutePositionToRelativePosition(from, fragment, map) as Y.RelativePosition;
  const end = absolutePositionToRelativePosition(to, fragment, map) as Y.RelativePosition;
  return encodeAnchor(start, end);
}

/**
 * Resolves an anchor against the live document (`Y.createAbsolutePositionFromRelativePosition`
 * through the editor's mapping). Deleted when the text it covered is gone.
 */
export function rangeOfAnchor(editor: Editor, doc: Y.Doc, anchor: EncodedAnchor): EditorRange | null {
  const map = mapping(editor);
  if (!map) return null;
  if (resolveTextAnchor(doc, anchor)?.deleted) return { deleted: true };
  const start = decodeAnchorEnd(anchor.start);
  const end = decodeAnchorEnd(anchor.end);
  if (!start || !end) return null;
  const fragment = doc.getXmlFragment("body");
  const from = relativePositionToAbsolutePosition(doc, fragment, start, map);
  const to = relativePositionToAbsolutePosition(doc, fragment, end, map);
  if (from === null || to === null || to <= from) return { deleted: true };
  const size = editor.state.doc.content.size;
  return from <= size && to <= size ? { deleted: false, from, to } : null;
}
