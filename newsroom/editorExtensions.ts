import { Extension, type AnyExtension } from "@tiptap/core";
import Document from "@tiptap/extension-document";
import Paragraph from "@tiptap/extension-paragraph";
import Text from "@tiptap/extension-text";
import StarterKit from "@tiptap/starter-kit";
import { FIGURE_ATTRIBUTE_CHECKS, Figure } from "./figureExtension";
import { isSafeLinkTarget } from "./safeUrl";
import { SuggestDelete, SuggestInsert } from "./suggestionMarks";

/**
 * The one schema of a story body (DESIGN.md §3): the editor, server rendering and tests all
 * build from this list. Undo/redo is left out because Collaboration brings its own
 * (per-user undo over Yjs); a shared history would undo other people's typing. The editor page
 * passes `figure` (the same node with its editing view); the schema is the same either way.
 */
export function bodyExtensions({ figure = Figure }: { figure?: typeof Figure } = {}): AnyExtension[] {
  return [
    StarterKit.configure({
      undoRedo: false,
      codeBlock: false,
      code: false,
      horizontalRule: false,
      heading: { levels: [2, 3] },
      link: {
        openOnClick: false,
        autolink: true,
        protocols: ["http", "https", "mailto"],
        defaultProtocol: "https",
        isAllowedUri: (url) => isSafeLinkTarget(url),
        shouldAutoLink: (url) => isSafeLinkTarget(url),
      },
    }),
    figure,
    // Suggestion mode (修订): suggested insertions and deletions as marks (`suggestionMarks.ts`).
    SuggestInsert,
    SuggestDelete,
  ];
}

/**
 * Node attribute values the schema allows, by node and attribute (names alone are checked for
 * every node; these are the attributes whose value could carry an address or grow unbounded).
 * The socket's schema guard refuses an update that writes anything else.
 */
export const NODE_ATTRIBUTE_CHECKS: Record<string, Record<string, (value: unknown) => boolean>> = {
  figure: FIGURE_ATTRIBUTE_CHECKS,
};

/** A title is exactly one paragraph of plain text. */
const TitleDocument = Document.extend({ content: "paragraph" });

/** Enter in the title moves on instead of splitting the (single) paragraph. */
const TitleKeys = Extension.create<{ onEnter: () => void }>({
  name: "titleKeys",
  addOptions() {
    return { onEnter: () => {} };
  },
  addKeyboardShortcuts() {
    return {
      Enter: () => {
        this.options.onEnter();
        return true;
      },
    };
  },
});

export function titleExtensions(onEnter: () => void = () => {}): AnyExtension[] {
  return [TitleDocument, Paragraph, Text, TitleKeys.configure({ onEnter })];
}
