import type { PmNode } from "../canonicalContent";

/** The text inside a ProseMirror JSON node (all its text descendants, joined). */
export function nodeText(node: PmNode): string {
  if (typeof node.text === "string") return node.text;
  return (node.content ?? []).map(nodeText).join("");
}

/** Every node of a tree with its parent, depth first (the root has no parent). */
export function* walkNodes(node: PmNode, parent: PmNode | null = null): Generator<{ node: PmNode; parent: PmNode | null }> {
  yield { node, parent };
  for (const child of node.content ?? []) yield* walkNodes(child, node);
}

/** Text blocks of a body (paragraphs and headings, wherever they are nested), with their text. */
export function textBlocks(body: PmNode): { type: string; text: string }[] {
  const blocks: { type: string; text: string }[] = [];
  for (const { node } of walkNodes(body)) {
    if (node.type === "paragraph" || node.type === "heading") blocks.push({ type: node.type, text: nodeText(node) });
  }
  return blocks;
}

/** Up to `radius` characters either side of `text[from, to)`, for a finding's excerpt. */
export function excerptAround(text: string, from: number, to: number, radius = 8): string {
  const start = Math.max(0, from - radius);
  const end = Math.min(text.length, to + radius);
  return `${start > 0 ? "…" : ""}${text.slice(start, end)}${end < text.length ? "…" : ""}`;
}

/** Characters that count toward a length: everything but whitespace (as the desk counts 字数). */
export function countedCharacters(text: string): number {
  return [...text.replace(/\s/g, "")].length;
}
