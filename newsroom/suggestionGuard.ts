import * as Y from "yjs";
import { isSuggestionAttrs, type SuggestionAttrs } from "./suggestionMarks";

/**
 * Why a client's write of a suggestion mark (`key` of a Yjs format item, `value` its
 * attributes or null) is refused, or null when it is allowed.
 *
 * Ending a suggestion (null: accepted, rejected, or the end of a marked range) is an ordinary
 * edit. A suggestion mark with attributes must be well formed, and a client may only *create*
 * suggestions carrying its own user id. Yjs also writes a mark again when text moves under it
 * (a paragraph split, an undo of an accept, plain typing inside someone's suggestion closes and
 * reopens it): such a write carries an existing suggestion exactly (same id, author and time),
 * which is allowed, because it makes nothing new in that person's name.
 */
export function suggestionMarkRefusal(doc: Y.Doc, key: string, value: unknown, userId: string | undefined): string | null {
  if (value === null) return null;
  if (!isSuggestionAttrs(value)) return `mark ${JSON.stringify(key)} has malformed attributes`;
  if (userId === undefined || value.author === userId) return null;
  if (hasSuggestion(doc, key, value)) return null;
  return `suggestion by someone else (mark ${JSON.stringify(key)} names another author)`;
}

/**
 * Whether the document already holds (or held: the server keeps deleted items) this exact
 * suggestion. Only asked when a client writes someone else's suggestion, so a scan of the
 * story's items is paid for by moves of others' suggestions, not by typing.
 */
function hasSuggestion(doc: Y.Doc, key: string, attrs: SuggestionAttrs): boolean {
  for (const structs of doc.store.clients.values()) {
    for (const struct of structs) {
      if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentFormat)) continue;
      const format = struct.content;
      if (format.key !== key || !isSuggestionAttrs(format.value)) continue;
      if (format.value.id === attrs.id && format.value.author === attrs.author && format.value.time === attrs.time) return true;
    }
  }
  return false;
}
