"use client";

import type { Node as PmNode } from "@tiptap/pm/model";
import { PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import * as Y from "yjs";
import type { Person } from "@/newsroom/person";
import { rebuiltDecorationsPlugin } from "./rebuiltDecorations";

/** What a highlight needs of its author. */
export type AuthorInfo = Pick<Person, "name" | "color">;

interface Run {
  from: number;
  to: number;
  client: number;
}

/**
 * Text runs of a ProseMirror document with the Yjs client id that wrote them, found by walking
 * the document and its Yjs fragment side by side (the editor keeps them in the same shape).
 */
function authoredRuns(pmNode: PmNode, contentStart: number, yType: Y.XmlElement | Y.XmlFragment, out: Run[]): void {
  let pos = contentStart;
  let pmIndex = 0;
  for (const yChild of yType.toArray()) {
    if (yChild instanceof Y.XmlText) {
      const start = pos;
      for (let item = yChild._start; item !== null; item = item.right) {
        if (item.deleted || !item.countable) continue;
        const last = out[out.length - 1];
        if (last && last.to === pos && last.client === item.id.client) last.to += item.length;
        else out.push({ from: pos, to: pos + item.length, client: item.id.client });
        pos += item.length;
      }
      let consumed = 0;
      while (pmIndex < pmNode.childCount && pmNode.child(pmIndex).isText && consumed < pos - start) {
        consumed += pmNode.child(pmIndex).nodeSize;
        pmIndex++;
      }
    } else if (yChild instanceof Y.XmlElement) {
      if (pmIndex >= pmNode.childCount) return;
      const child = pmNode.child(pmIndex++);
      if (!child.isLeaf) authoredRuns(child, pos + 1, yChild, out);
      pos += child.nodeSize;
    }
  }
}

export const authorHighlightKey = new PluginKey<DecorationSet>("authorHighlight");

/**
 * "显示作者": colours every character by the person who wrote it. `authorOf` maps a Yjs client
 * id to a person (from the server's record of who sent each client id, never the client's word).
 */
export function authorHighlightPlugin(fragment: Y.XmlFragment, authorOf: (client: number) => AuthorInfo | undefined) {
  const build = (doc: PmNode) => {
    const runs: Run[] = [];
    try {
      authoredRuns(doc, 0, fragment, runs);
    } catch {
      return DecorationSet.empty; // shapes briefly out of step mid-sync: try again next time
    }
    const decorations = runs
      .filter((r) => r.to <= doc.content.size)
      .map((r) => {
        const author = authorOf(r.client);
        const color = author?.color ?? "#9ca3af";
        return Decoration.inline(r.from, r.to, {
          class: "authored",
          style: `background-color: ${color}26; border-bottom: 2px solid ${color}`,
          title: author?.name ?? "未知作者",
          "data-author": author?.name ?? "",
        });
      });
    return DecorationSet.create(doc, decorations);
  };
  return rebuiltDecorationsPlugin(authorHighlightKey, build);
}
