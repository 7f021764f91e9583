import { Mark, mergeAttributes } from "@tiptap/core";

/**
 * Suggestion mode (修订, issue 14): a suggested insertion or deletion is a mark on the text it
 * covers, in the shared Yjs document like any other mark, so it syncs and converges with the
 * text. A mark carries only what the server can check or that cannot be forged into meaning:
 * the suggestion's id, the author's user id (the socket refuses a new suggestion carrying
 * anyone else's, `suggestionGuard.ts`) and the time it was made. Names and colours are looked
 * up from the author id, never stored in the document.
 */
export const SUGGEST_INSERT = "suggestInsert";
export const SUGGEST_DELETE = "suggestDelete";
export const SUGGESTION_MARKS = [SUGGEST_INSERT, SUGGEST_DELETE] as const;
export type SuggestionMarkName = (typeof SUGGESTION_MARKS)[number];

export interface SuggestionAttrs {
  /** Random id shared by every piece of one suggestion (one stretch of typing or deleting). */
  id: string;
  /** The user id of who suggested it. */
  author: string;
  /** When, in milliseconds since the epoch (the author's clock; shown, never trusted). */
  time: number;
}

export const isSuggestionMark = (name: string): name is SuggestionMarkName => name === SUGGEST_INSERT || name === SUGGEST_DELETE;

/**
 * y-tiptap's own reading of a Yjs format key (`hashedMarkNameRegex` in @tiptap/y-tiptap): it
 * writes `name--hash` (an 8-character base64 hash) for marks that may overlap themselves and
 * strips exactly that suffix, nothing else. The server must read keys the same way: a key it
 * took for a known mark but the editor does not (`suggestInsert--x`) makes every editor fail to
 * build that paragraph and drop its text.
 */
const HASHED_MARK_KEY = /^(.*)--[a-zA-Z0-9+/=]{8}$/;

/** The mark name of a Yjs format key, exactly as y-tiptap reads it. */
export const markNameOfKey = (key: string): string => HASHED_MARK_KEY.exec(key)?.[1] ?? key;

/** Longest id or author id a suggestion mark may carry (ids are UUIDs or shorter). */
const MAX_ID_LENGTH = 64;

/** Whether `value` is a well-formed suggestion mark's attributes (exactly these, nothing more). */
export function isSuggestionAttrs(value: unknown): value is SuggestionAttrs {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const attrs = value as Record<string, unknown>;
  const keys = Object.keys(attrs);
  if (keys.length !== 3 || !keys.every((key) => key === "id" || key === "author" || key === "time")) return false;
  const isId = (v: unknown) => typeof v === "string" && v.length > 0 && v.length <= MAX_ID_LENGTH && /^[A-Za-z0-9_-]+$/.test(v);
  return isId(attrs.id) && isId(attrs.author) && typeof attrs.time === "number" && Number.isSafeInteger(attrs.time) && attrs.time >= 0;
}

const suggestionAttributes = () => ({
  id: { default: null, renderHTML: (a: Record<string, unknown>) => ({ "data-suggestion": a.id }) },
  author: { default: null, renderHTML: (a: Record<string, unknown>) => ({ "data-author": a.author }) },
  time: { default: null, renderHTML: () => ({}) },
});

/**
 * A suggestion mark, written as `tag` with `className`. Not inclusive, so typing at its end
 * outside 修订模式 is plain text, not part of someone's suggestion.
 *
 * It excludes no mark, itself included: y-tiptap then keys each one in Yjs by its
 * name and a hash of its attributes (`suggestInsert--<hash>`) instead of by its name alone. Two
 * suggestions made at once side by side (one reviewer's deletion ending where another's
 * begins) would otherwise share one Yjs format key, and the end of one would cut the other
 * short; measured with two real clients, the second deletion was lost.
 */
function suggestionMark(name: SuggestionMarkName, tag: "ins" | "del", className: string) {
  return Mark.create({
    name,
    inclusive: false,
    excludes: "",
    addAttributes: suggestionAttributes,
    parseHTML: () => [],
    renderHTML: ({ HTMLAttributes }) => [tag, mergeAttributes(HTMLAttributes, { class: className }), 0],
  });
}

/**
 * A suggested insertion: the text is there but not accepted yet (underlined in the author's
 * colour in the editor). It may overlap a suggested deletion by someone else (the reviewer
 * proposes to drop a proposed word).
 */
export const SuggestInsert = suggestionMark(SUGGEST_INSERT, "ins", "suggest-insert");

/** A suggested deletion: the text stays (struck through) until the deletion is accepted. */
export const SuggestDelete = suggestionMark(SUGGEST_DELETE, "del", "suggest-delete");
