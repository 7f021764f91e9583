import * as Y from "yjs";
import { isMediaSrc } from "./mediaUrl";

/**
 * The plain shape of story content used to create a live document on the server (initial
 * content, the demo story). Node names are Tiptap's, so the editor opens it as-is.
 */
export type StoryBlock =
  | { type: "paragraph"; text: string }
  | { type: "heading"; level: 2 | 3; text: string }
  | { type: "blockquote"; text: string }
  /** A photo; `src` null is a caption waiting for its photo (an imported story). */
  | { type: "figure"; src: string | null; caption: string; alt?: string; credit?: string; width?: number; height?: number };

export interface StoryContent {
  title: string;
  body: StoryBlock[];
}

function paragraphElement(text: string): Y.XmlElement {
  const paragraph = new Y.XmlElement("paragraph");
  if (text) paragraph.insert(0, [new Y.XmlText(text)]);
  return paragraph;
}

function blockElement(block: StoryBlock): Y.XmlElement {
  switch (block.type) {
    case "paragraph":
      return paragraphElement(block.text);
    case "heading": {
      const heading = new Y.XmlElement("heading");
      heading.setAttribute("level", block.level as unknown as string);
      if (block.text) heading.insert(0, [new Y.XmlText(block.text)]);
      return heading;
    }
    case "figure": {
      const figure = new Y.XmlElement("figure");
      if (isMediaSrc(block.src)) {
        figure.setAttribute("src", block.src);
        if (block.width) figure.setAttribute("width", block.width as unknown as string);
        if (block.height) figure.setAttribute("height", block.height as unknown as string);
      }
      figure.setAttribute("alt", block.alt ?? "");
      if (block.credit) figure.setAttribute("credit", block.credit);
      if (block.caption) figure.insert(0, [new Y.XmlText(block.caption)]);
      return figure;
    }
    case "blockquote": {
      const quote = new Y.XmlElement("blockquote");
      quote.insert(0, [paragraphElement(block.text)]);
      return quote;
    }
  }
}

/**
 * Encodes `content` as one Yjs update holding the `title` and `body` fragments (DESIGN.md §3).
 * An empty body still gets one paragraph: the editor would otherwise add its own, and two
 * clients adding one each is how first content gets duplicated.
 */
export function encodeStoryContent(content: StoryContent): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    doc.getXmlFragment("title").insert(0, [paragraphElement(content.title)]);
    const blocks = content.body.length > 0 ? content.body : [{ type: "paragraph", text: "" } as const];
    doc.getXmlFragment("body").insert(0, blocks.map(blockElement));
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

export type XmlNode = Y.XmlElement | Y.XmlText | Y.XmlHook;

/** The text inside a Yjs XML node, its descendants' included (marks dropped). */
export function nodeText(node: XmlNode): string {
  if (node instanceof Y.XmlText) {
    return node.toDelta().map((op: { insert?: unknown }) => (typeof op.insert === "string" ? op.insert : "")).join("");
  }
  if (node instanceof Y.XmlElement) {
    return node.toArray().map((child) => nodeText(child as XmlNode)).join("");
  }
  return "";
}

/** Plain text of a fragment: one line per top-level block (lists and quotes flattened). */
export function fragmentText(fragment: Y.XmlFragment): string {
  const lines: string[] = [];
  const visit = (node: XmlNode) => {
    if (node instanceof Y.XmlElement && ["blockquote", "bulletList", "orderedList", "listItem"].includes(node.nodeName)) {
      node.toArray().forEach((child) => visit(child as XmlNode));
      return;
    }
    lines.push(nodeText(node));
  };
  fragment.toArray().forEach((child) => visit(child as XmlNode));
  return lines.join("\n");
}

/** The story's title as one line of text. */
export function storyTitle(doc: Y.Doc): string {
  return fragmentText(doc.getXmlFragment("title")).replace(/\n/g, " ").trim();
}

/** The story's title and body as text: what the list, the API and time travel show. */
export function storyTitleAndText(doc: Y.Doc): { title: string; text: string } {
  return { title: storyTitle(doc), text: fragmentText(doc.getXmlFragment("body")) };
}

/** Reads a stored Yjs state (null: an empty story) through a document that lives only for `read`. */
export function readStoryState<T>(state: Uint8Array | null, read: (doc: Y.Doc) => T): T {
  const doc = new Y.Doc();
  try {
    if (state) Y.applyUpdate(doc, state);
    return read(doc);
  } finally {
    doc.destroy();
  }
}
