import * as Y from "yjs";
import type { PmNode } from "./canonicalContent";
import { SUGGEST_DELETE, SUGGEST_INSERT, isSuggestionAttrs, markNameOfKey, type SuggestionAttrs } from "./suggestionMarks";

/** One open suggestion: every stretch of text carrying its mark, joined. */
export interface OpenSuggestion {
  id: string;
  kind: "insert" | "delete";
  author: string;
  time: number;
  /** The text it covers (what would be added or removed), in document order. */
  text: string;
}

/** Collects suggestions from text runs in document order (a suggestion is one id and kind). */
class SuggestionCollector {
  private readonly byKey = new Map<string, OpenSuggestion>();

  add(markName: string, attrs: unknown, text: string): void {
    const kind = markName === SUGGEST_INSERT ? "insert" : markName === SUGGEST_DELETE ? "delete" : null;
    if (!kind || !isSuggestionAttrs(attrs)) return;
    const key = `${kind}:${attrs.id}`;
    const found = this.byKey.get(key);
    if (found) found.text += text;
    else this.byKey.set(key, { id: attrs.id, kind, author: attrs.author, time: attrs.time, text });
  }

  list(): OpenSuggestion[] {
    return [...this.byKey.values()];
  }
}

/** The open suggestions of a story body as ProseMirror JSON (stored revisions, the gate). */
export function suggestionsInJson(body: PmNode): OpenSuggestion[] {
  const collector = new SuggestionCollector();
  const visit = (node: PmNode) => {
    if (node.type === "text") {
      for (const mark of node.marks ?? []) collector.add(mark.type, mark.attrs, node.text ?? "");
      return;
    }
    node.content?.forEach(visit);
  };
  visit(body);
  return collector.list();
}

/** The open suggestions of a live document's body (the same answer as its ProseMirror JSON). */
export function suggestionsInDoc(doc: Y.Doc): OpenSuggestion[] {
  const collector = new SuggestionCollector();
  const visit = (node: Y.XmlElement | Y.XmlFragment | Y.XmlText | Y.XmlHook) => {
    if (node instanceof Y.XmlText) {
      for (const op of node.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
        if (typeof op.insert !== "string") continue;
        for (const [key, value] of Object.entries(op.attributes ?? {})) collector.add(markNameOfKey(key), value, op.insert);
      }
    } else if (node instanceof Y.XmlElement || node instanceof Y.XmlFragment) {
      node.toArray().forEach(visit);
    }
  };
  visit(doc.getXmlFragment("body"));
  return collector.list();
}

/**
 * The body as a reader would get it if nothing suggested were decided: pending insertions are
 * left out, text suggested for deletion stays (plain). Public page, feed and exports render
 * this, so a suggestion never shows as such outside the workbench (the publish gate refuses
 * while any remain anyway).
 */
export function withoutSuggestions(body: PmNode): PmNode {
  const strip = (node: PmNode): PmNode | null => {
    if (node.type === "text") {
      const marks = node.marks ?? [];
      if (marks.some((m) => m.type === SUGGEST_INSERT)) return null;
      if (!marks.some((m) => m.type === SUGGEST_DELETE)) return node;
      const kept = marks.filter((m) => m.type !== SUGGEST_DELETE);
      const { marks: _dropped, ...rest } = node;
      return kept.length > 0 ? { ...rest, marks: kept } : rest;
    }
    if (!node.content) return node;
    return { ...node, content: node.content.map(strip).filter((n): n is PmNode => n !== null) };
  };
  return strip(body) ?? { type: body.type };
}

/** Whether a suggestion's attributes name this id (used by accept/reject). */
export const isSuggestion = (attrs: unknown, id: string): attrs is SuggestionAttrs => isSuggestionAttrs(attrs) && attrs.id === id;

/** A ProseMirror node as far as counting suggestions needs (the editor's live document). */
interface LiveNode {
  isText: boolean;
  text?: string | null;
  marks: readonly { type: { name: string }; attrs: unknown }[];
  descendants(f: (node: LiveNode) => boolean | void): void;
}

/** The open suggestions of the editor's live ProseMirror document, in document order. */
export function suggestionsInNode(doc: LiveNode): OpenSuggestion[] {
  const collector = new SuggestionCollector();
  doc.descendants((node) => {
    if (!node.isText) return true;
    for (const mark of node.marks) collector.add(mark.type.name, mark.attrs, node.text ?? "");
    return false;
  });
  return collector.list();
}
