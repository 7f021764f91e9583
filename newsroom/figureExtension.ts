import { Node, mergeAttributes } from "@tiptap/core";
import { isSafeUrl } from "./safeUrl";

declare module "@tiptap/core" {
  interface Commands<ReturnType> {
    figure: {
      /** Inserts a photo with an (editable) caption. Unsafe URLs are refused. */
      insertFigure: (attrs: { src: string; alt?: string }) => ReturnType;
    };
  }
}

/** Photo URLs: http(s) only (mailto and everything else are not images). */
export function isSafeImageUrl(src: string): boolean {
  return isSafeUrl(src) && /^https?:/i.test(src.trim());
}

/**
 * A news photo: the image and its caption ("湖南雷锋纪念馆。"). The caption is the node's
 * inline content, so reporters edit it like text and its authorship is tracked like text.
 */
export const Figure = Node.create({
  name: "figure",
  group: "block",
  content: "inline*",
  marks: "",
  draggable: true,
  isolating: true,

  addAttributes() {
    return {
      src: { default: null },
      alt: { default: "" },
    };
  },

  parseHTML() {
    return [
      {
        tag: "figure",
        contentElement: "figcaption",
        getAttrs: (element) => {
          const img = (element as HTMLElement).querySelector("img");
          const src = img?.getAttribute("src") ?? "";
          return isSafeImageUrl(src) ? { src, alt: img?.getAttribute("alt") ?? "" } : false;
        },
      },
    ];
  },

  renderHTML({ HTMLAttributes }) {
    const src = typeof HTMLAttributes.src === "string" && isSafeImageUrl(HTMLAttributes.src) ? HTMLAttributes.src : "";
    return [
      "figure",
      mergeAttributes({ class: "story-figure" }),
      ["img", { src, alt: HTMLAttributes.alt ?? "", contenteditable: "false", draggable: "false" }],
      ["figcaption", 0],
    ];
  },

  addCommands() {
    return {
      insertFigure:
        ({ src, alt = "" }) =>
        ({ commands }) =>
          isSafeImageUrl(src) && commands.insertContent({ type: this.name, attrs: { src: src.trim(), alt } }),
    };
  },
});
