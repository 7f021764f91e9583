import { Node, mergeAttributes } from "@tiptap/core";
import { isMediaSrc } from "./mediaUrl";

/** A photo as the editor inserts it: one of our uploads, with its size and optional texts. */
export interface FigureAttributes {
  src: string;
  width: number;
  height: number;
  alt?: string;
  credit?: string;
  caption?: string;
}

declare module "@tiptap/core" {
  interface Commands<ReturnType> {
    figure: {
      /** Inserts an uploaded photo (src `/media/<id>`) with an editable caption; other sources are refused. */
      insertFigure: (attrs: FigureAttributes) => ReturnType;
    };
  }
}

/** Longest alt text and credit, in characters (a description and a name, not an essay). */
export const MAX_ALT_LENGTH = 500;
export const MAX_CREDIT_LENGTH = 100;
/** Largest width or height a figure may claim, in pixels. */
const MAX_SIDE = 100_000;

const isSide = (value: unknown) => value === null || (typeof value === "number" && Number.isInteger(value) && value > 0 && value <= MAX_SIDE);
const isTextUpTo = (max: number) => (value: unknown) => typeof value === "string" && value.length <= max;

/**
 * What each figure attribute may hold. The schema guard at the socket (`schemaGuard.ts`) applies
 * these to every update, so a forged update cannot point a figure at a remote or `javascript:`
 * address: a figure's picture is one of our uploads, or none yet (a caption waiting for its photo).
 */
export const FIGURE_ATTRIBUTE_CHECKS: Record<string, (value: unknown) => boolean> = {
  src: (value) => value === null || value === "" || isMediaSrc(value),
  alt: isTextUpTo(MAX_ALT_LENGTH),
  credit: isTextUpTo(MAX_CREDIT_LENGTH),
  width: isSide,
  height: isSide,
};

/** A pasted or stored side length as a positive integer, or null. */
function sideOf(raw: string | null | undefined): number | null {
  const value = Number(raw);
  return isSide(value) && value !== null ? value : null;
}

/** The picture of a pasted <figure>, or the pasted <img> itself. */
function imageOf(element: HTMLElement): HTMLElement | null {
  return element.tagName === "IMG" ? element : element.querySelector("img");
}

/**
 * A news photo: the image, its caption ("湖南雷锋纪念馆。"), the photographer (摄影) and a
 * description for screen readers (alt). The caption is the node's inline content, so reporters
 * edit it like text and its authorship is tracked like text. A figure without `src` is a
 * caption waiting for its photo (an imported story, or a picture pasted from a web page, whose
 * remote address we do not load).
 */
export const Figure = Node.create({
  name: "figure",
  group: "block",
  content: "inline*",
  marks: "",
  draggable: true,
  isolating: true,

  addAttributes() {
    // Tiptap reads every attribute from the matched element with its own `parseHTML` (the
    // default is the element's attribute of that name, which on a bare <img> would be its
    // remote src); each one here takes its value from the picture and keeps only what is allowed.
    return {
      src: { default: null, parseHTML: (element) => { const src = imageOf(element)?.getAttribute("src"); return isMediaSrc(src) ? src : null; } },
      alt: { default: "", parseHTML: (element) => (imageOf(element)?.getAttribute("alt") ?? "").slice(0, MAX_ALT_LENGTH) },
      credit: { default: "", parseHTML: (element) => (element.getAttribute("data-credit") ?? "").slice(0, MAX_CREDIT_LENGTH) },
      width: { default: null, parseHTML: (element) => sideOf(imageOf(element)?.getAttribute("width")) },
      height: { default: null, parseHTML: (element) => sideOf(imageOf(element)?.getAttribute("height")) },
    };
  },

  parseHTML() {
    return [
      { tag: "figure", contentElement: "figcaption" },
      // A bare picture from a web page keeps its place (and its description) as a figure; a
      // remote address is dropped, so the reporter uploads the photo into that place.
      { tag: "img" },
    ];
  },

  renderHTML({ HTMLAttributes }) {
    const src = isMediaSrc(HTMLAttributes.src) ? HTMLAttributes.src : null;
    const credit = typeof HTMLAttributes.credit === "string" ? HTMLAttributes.credit : "";
    const image = src
      ? ["img", { src, alt: HTMLAttributes.alt ?? "", width: HTMLAttributes.width, height: HTMLAttributes.height, contenteditable: "false", draggable: "false" }]
      : ["span", { class: "figure-missing", contenteditable: "false" }, "待补图片"];
    return ["figure", mergeAttributes({ class: "story-figure", "data-credit": credit || null }), image, ["figcaption", 0]];
  },

  addCommands() {
    return {
      insertFigure:
        ({ src, width, height, alt = "", credit = "", caption = "" }) =>
        ({ commands }) =>
          isMediaSrc(src) &&
          commands.insertContent({
            type: this.name,
            attrs: { src, width, height, alt, credit },
            content: caption ? [{ type: "text", text: caption }] : [],
          }),
    };
  },
});
