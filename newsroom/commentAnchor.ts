import { fromBase64, toBase64 } from "lib0/buffer";
import * as Y from "yjs";

/**
 * A comment's anchor as the API carries it (DESIGN.md §5): base64 of `Y.encodeRelativePosition`
 * of the range's two ends in the `body` fragment. Relative positions name Yjs items, not
 * offsets, so the range moves with concurrent inserts and deletes around and inside it.
 */
export interface EncodedAnchor {
  start: string;
  end: string;
}

/** Longest base64 form of one end accepted (a relative position is a few dozen bytes). */
export const MAX_ANCHOR_END_LENGTH = 256;

/** Decodes one end, or null when it is not a relative position. */
export function decodeAnchorEnd(encoded: string): Y.RelativePosition | null {
  if (encoded.length === 0 || encoded.length > MAX_ANCHOR_END_LENGTH || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return null;
  try {
    const position = Y.decodeRelativePosition(fromBase64(encoded));
    // A position must name an item or a type; a garbled buffer may decode to neither.
    return position.item !== null || position.type !== null || position.tname !== null ? position : null;
  } catch {
    return null;
  }
}

/** Encodes a range of `text` (a Y.XmlText inside the body), `from` included, `to` excluded. */
export function anchorInText(text: Y.XmlText, from: number, to: number): EncodedAnchor {
  return {
    start: toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, from, 0))),
    // Associated to the left: the end sticks to the range's last character, so text typed
    // right after the range is not pulled into it.
    end: toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, to, -1))),
  };
}

/** Encodes two relative positions (from the editor's selection) as an anchor. */
export function encodeAnchor(start: Y.RelativePosition, end: Y.RelativePosition): EncodedAnchor {
  return { start: toBase64(Y.encodeRelativePosition(start)), end: toBase64(Y.encodeRelativePosition(end)) };
}

/** Whether a type, or any element it lies in, was deleted (a removed paragraph takes its text). */
function isRemoved(type: { _item: Y.Item | null }): boolean {
  for (let item = type._item; item !== null; item = (item.parent as { _item: Y.Item | null })._item) {
    if (item.deleted) return true;
  }
  return false;
}

/** Where an anchor lies in one Yjs document now: a range inside one text, or deleted. */
export type ResolvedTextAnchor =
  | { deleted: false; text: Y.XmlText; from: number; to: number }
  | { deleted: true };

/**
 * Resolves an anchor whose two ends lie in the same Y.XmlText (what the API's stock clients
 * create) with `Y.createAbsolutePositionFromRelativePosition`. Deleted: the text it covered
 * is all gone, or its paragraph is. Ranges across paragraphs are resolved by the editor
 * through its ProseMirror mapping instead.
 */
export function resolveTextAnchor(doc: Y.Doc, anchor: EncodedAnchor): ResolvedTextAnchor | null {
  const start = decodeAnchorEnd(anchor.start);
  const end = decodeAnchorEnd(anchor.end);
  if (!start || !end) return null;
  const from = Y.createAbsolutePositionFromRelativePosition(start, doc);
  const to = Y.createAbsolutePositionFromRelativePosition(end, doc);
  if (!from || !to) return { deleted: true };
  if (from.type !== to.type || !(from.type instanceof Y.XmlText)) return null;
  if (isRemoved(from.type) || to.index <= from.index) return { deleted: true };
  return { deleted: false, text: from.type, from: from.index, to: to.index };
}

/** The characters an anchor covers now, or null when its text was deleted. */
export function anchoredText(doc: Y.Doc, anchor: EncodedAnchor): string | null {
  const resolved = resolveTextAnchor(doc, anchor);
  if (!resolved || resolved.deleted) return null;
  return plainText(resolved.text).slice(resolved.from, resolved.to);
}

/** A Y.XmlText's characters without the markup `toString` adds for formatting. */
function plainText(text: Y.XmlText): string {
  return text
    .toDelta()
    .map((op: { insert?: unknown }) => (typeof op.insert === "string" ? op.insert : ""))
    .join("");
}
