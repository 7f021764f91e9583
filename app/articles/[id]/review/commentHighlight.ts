"use client";

import type { Node as PmNode } from "@tiptap/pm/model";
import { PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import { rebuiltDecorationsPlugin } from "../rebuiltDecorations";

/** A thread's live range in the editor, and whether it is the one picked in the margin. */
export interface HighlightRange {
  id: string;
  from: number;
  to: number;
  active: boolean;
}

export const commentHighlightKey = new PluginKey<DecorationSet>("commentHighlight");

/**
 * Marks the text of every open thread. `ranges` is asked again whenever the document changes
 * or the page says so (a meta on `commentHighlightKey`), since anchors move with the text.
 */
export function commentHighlightPlugin(ranges: () => HighlightRange[]) {
  const build = (doc: PmNode) =>
    DecorationSet.create(
      doc,
      ranges()
        .filter((r) => r.to <= doc.content.size && r.from < r.to)
        .map((r) =>
          Decoration.inline(r.from, r.to, {
            class: r.active ? "comment-anchor comment-anchor-active" : "comment-anchor",
            "data-thread": r.id,
          }),
        ),
    );
  return rebuiltDecorationsPlugin(commentHighlightKey, build);
}
