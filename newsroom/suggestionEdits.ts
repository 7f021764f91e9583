import type { Mark, Node as PmNode } from "@tiptap/pm/model";
import type { Transaction } from "@tiptap/pm/state";
import { SUGGEST_DELETE, SUGGEST_INSERT, isSuggestionAttrs, type SuggestionAttrs } from "./suggestionMarks";

/**
 * Suggestion mode's edits as ProseMirror transforms (pure: a transaction in, steps added). The
 * editor's 修订模式 plugin, the accept/reject buttons and the tests all use these, so what a
 * reviewer's keystroke writes into the shared document is what the tests write.
 */

/** Who suggests, and how new suggestion ids and times are made. */
export interface Suggester {
  author: string;
  now: () => number;
  newId: () => string;
}

/** A stretch of text and the suggestion mark on it. */
interface MarkedRange {
  from: number;
  to: number;
  mark: Mark;
}

const suggestionOf = (node: PmNode | null | undefined, markName: string): SuggestionAttrs | null => {
  const mark = node?.marks.find((m) => m.type.name === markName);
  return mark && isSuggestionAttrs(mark.attrs) ? (mark.attrs as SuggestionAttrs) : null;
};

/** The suggester's own suggestion of `markName` touching `pos` (to continue it), if any. */
function ownNeighbour(doc: PmNode, pos: number, markName: string, who: Suggester): SuggestionAttrs | null {
  const $pos = doc.resolve(pos);
  for (const node of [$pos.nodeBefore, $pos.nodeAfter]) {
    const attrs = suggestionOf(node, markName);
    if (attrs && attrs.author === who.author) return attrs;
  }
  return null;
}

function newAttrs(who: Suggester): SuggestionAttrs {
  return { id: who.newId(), author: who.author, time: who.now() };
}

/**
 * Suggests deleting the text in [from, to): text the suggester proposed to insert goes at once
 * (taking back one's own proposal needs nobody's review); other text is marked deleted, and
 * continues the suggester's deletion next to it. Non-text content (a photo, a line break) is
 * left as it is. Returns where the range starts now.
 */
export function suggestDeletion(tr: Transaction, from: number, to: number, who: Suggester): number {
  const schema = tr.doc.type.schema;
  const deleteType = schema.marks[SUGGEST_DELETE];
  const ownInsertions: { from: number; to: number }[] = [];
  const toMark: { from: number; to: number }[] = [];
  tr.doc.nodesBetween(from, to, (node, pos) => {
    if (!node.isText) return true;
    const start = Math.max(from, pos);
    const end = Math.min(to, pos + node.nodeSize);
    if (end <= start) return false;
    const inserted = suggestionOf(node, SUGGEST_INSERT);
    if (inserted && inserted.author === who.author) ownInsertions.push({ from: start, to: end });
    else if (!suggestionOf(node, SUGGEST_DELETE)) toMark.push({ from: start, to: end });
    return false;
  });
  if (toMark.length > 0) {
    const attrs = ownNeighbour(tr.doc, toMark[0].from, SUGGEST_DELETE, who) ?? ownNeighbour(tr.doc, toMark[toMark.length - 1].to, SUGGEST_DELETE, who) ?? newAttrs(who);
    for (const range of toMark) tr.addMark(range.from, range.to, deleteType.create(attrs));
  }
  for (const range of ownInsertions.reverse()) tr.delete(range.from, range.to);
  return tr.mapping.map(from, -1);
}

/**
 * Suggests replacing [from, to) with `text`: the old text is suggested for deletion (as
 * above) and the new text is inserted after it as the suggester's insertion, continuing their
 * insertion right before it. Formatting (bold, links) is taken from the text around. Returns
 * the position after the inserted text (where the caret goes).
 */
export function suggestInsertion(tr: Transaction, from: number, to: number, text: string, who: Suggester): number {
  const schema = tr.doc.type.schema;
  let at = to;
  if (to > from) {
    const start = suggestDeletion(tr, from, to, who);
    at = tr.mapping.map(to, 1);
    if (at < start) at = start;
  }
  if (text.length === 0) return at;
  const $at = tr.doc.resolve(at);
  const before = $at.nodeBefore;
  const own = before && suggestionOf(before, SUGGEST_INSERT)?.author === who.author ? suggestionOf(before, SUGGEST_INSERT) : null;
  const surrounding = (before?.isText ? before.marks : $at.marks()).filter((m) => m.type.name !== SUGGEST_INSERT && m.type.name !== SUGGEST_DELETE);
  const mark = schema.marks[SUGGEST_INSERT].create(own ?? newAttrs(who));
  tr.insert(at, schema.text(text, [...surrounding, mark]));
  return at + text.length;
}

export type Decision = "accept" | "reject";

/**
 * Accepts or rejects suggestions: all of them, or those whose id is in `ids`. Accepting an
 * insertion or rejecting a deletion removes the mark (the text stays, plain); rejecting an
 * insertion or accepting a deletion removes the text. Returns how many suggestions it decided.
 */
export function decideSuggestions(tr: Transaction, decision: Decision, ids?: ReadonlySet<string>): number {
  const keepText: MarkedRange[] = [];
  const dropText: { from: number; to: number }[] = [];
  const decided = new Set<string>();
  tr.doc.descendants((node, pos) => {
    if (!node.isText) return true;
    for (const mark of node.marks) {
      const name = mark.type.name;
      if ((name !== SUGGEST_INSERT && name !== SUGGEST_DELETE) || !isSuggestionAttrs(mark.attrs)) continue;
      const id = (mark.attrs as SuggestionAttrs).id;
      if (ids && !ids.has(id)) continue;
      decided.add(`${name}:${id}`);
      const range = { from: pos, to: pos + node.nodeSize };
      const removesText = (name === SUGGEST_INSERT) === (decision === "reject");
      if (removesText) dropText.push(range);
      else keepText.push({ ...range, mark });
    }
    return false;
  });
  for (const range of keepText) tr.removeMark(range.from, range.to, range.mark);
  // From the end, so earlier ranges keep their positions; a range dropped twice (inserted and
  // deleted, both decided) is dropped once.
  const sorted = [...new Map(dropText.map((r) => [`${r.from}-${r.to}`, r])).values()].sort((a, b) => b.from - a.from);
  for (const range of sorted) tr.delete(range.from, range.to);
  return decided.size;
}
