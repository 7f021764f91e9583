import type { BylinePerson } from "./byline";

/** ProseMirror JSON as stored (a node with optional content, text, marks, attrs). */
export interface PmNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: PmNode[];
  text?: string;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
}

/** Everything a reader sees of a story, and so everything an approval covers. */
export interface StoryContentSnapshot {
  title: string;
  body: PmNode;
  byline: BylinePerson[];
  dateline: string;
}

/** JSON with object keys sorted at every level: one byte string per meaning. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The canonical form the content hash is taken over (title, body with headings and captions,
 * byline, dateline). Presence, carets and who typed what are not content.
 */
export function canonicalContent(content: StoryContentSnapshot): string {
  return canonicalJson({
    v: 1,
    title: content.title,
    body: content.body,
    byline: content.byline.map(({ name, label }) => ({ name, label })),
    dateline: content.dateline,
  });
}
