import * as Y from "yjs";
import { isSuggestionAttrs, isSuggestionMark, markNameOfKey, type SuggestionAttrs } from "./suggestionMarks";

/** An update's delete set, as `Y.decodeUpdate` gives it. */
type DeleteSet = ReturnType<typeof Y.decodeUpdate>["ds"];

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
export function suggestionMarkRefusal(
  doc: Y.Doc,
  key: string,
  value: unknown,
  userId: string | undefined,
  placed?: { item: Y.Item; deletes: DeleteSet },
): string | null {
  if (value === null) return null;
  if (!isSuggestionAttrs(value)) return `mark ${JSON.stringify(key)} has malformed attributes`;
  if (userId === undefined || value.author === userId) return null;
  const forged = `suggestion by someone else (mark ${JSON.stringify(key)} names another author)`;
  if (!hasSuggestion(doc, key, value)) return forged;
  if (placed && !coversOnlyItsText(doc, placed.item, key, value, placed.deletes)) return `${forged} over text it never covered`;
  return null;
}

const sameAttrs = (a: unknown, b: SuggestionAttrs) => isSuggestionAttrs(a) && a.id === b.id && a.author === b.author && a.time === b.time;

/** The document's item holding `id`, or null when the id is not in the document (new in the update). */
function docItemAt(doc: Y.Doc, id: Y.ID | null): Y.Item | null {
  if (id === null) return null;
  const structs = doc.store.clients.get(id.client);
  if (!structs || id.clock >= Y.getState(doc.store, id.client)) return null;
  const struct = structs[Y.findIndexSS(structs, id.clock)];
  return struct instanceof Y.Item ? struct : null;
}

/**
 * Whether a format item writing someone else's suggestion (`key` = `attrs`) opens over text
 * of the document that carried exactly that mark: the rest of her suggestion after typing
 * inside it, or her text again when an accept is undone. Copying her attributes onto other
 * text (`ytext.format(i, n, { [key]: attrs })`) opens the mark over text whose nearest
 * `key` format to the left is something else, and is refused. Only the text the item opens
 * over in the document is judged: text new in the same update (a paragraph split re-writes
 * the moved text) is left to the index check.
 */
function coversOnlyItsText(doc: Y.Doc, format: Y.Item, key: string, attrs: SuggestionAttrs, deletes: DeleteSet): boolean {
  // The first counted content the mark opens over, as the document stands.
  let next = docItemAt(doc, format.rightOrigin);
  while (next && (next.deleted || (next.content instanceof Y.ContentFormat && next.content.key !== key))) next = next.right;
  if (!next || next.content instanceof Y.ContentFormat) return true; // ends before any text: covers nothing
  // The nearest `key` format to its left is what that text carried (or carried before a change this update takes back).
  for (let left = next.left; left; left = left.left) {
    if (!(left.content instanceof Y.ContentFormat) || left.content.key !== key) continue;
    if (sameAttrs(left.content.value, attrs)) return true;
    if (Y.isDeleted(deletes, left.id)) continue; // removed by this very update (an undo taking back an accept)
    return false;
  }
  return false;
}

/** The suggestions a document holds or held, by format key and attributes, and the document's size then. */
interface SuggestionIndex {
  size: number;
  known: Set<string>;
}

const indexes = new WeakMap<Y.Doc, SuggestionIndex>();

const entryOf = (key: string, attrs: SuggestionAttrs) => `${key}\u0000${attrs.id}\u0000${attrs.author}\u0000${attrs.time}`;

/**
 * How much content the document has ever been given: the sum of every client's clock. It only
 * grows, unlike the number of structs, which Yjs lowers when it merges neighbours (deleting
 * text between two deleted pieces) and which can return to the same value after new
 * suggestions arrived. Deletions make no format items, so they need not count.
 */
function contentSize(doc: Y.Doc): number {
  let size = 0;
  for (const client of doc.store.clients.keys()) size += Y.getState(doc.store, client);
  return size;
}

/**
 * Whether the document already holds (or held: the server keeps deleted items) this exact
 * suggestion. Only asked when a client writes someone else's suggestion. The answer comes from
 * an index of the story's suggestions, built by one scan of its items and built again only
 * when a suggestion is not in it and the story has changed since: typing inside a colleague's
 * suggestion costs a lookup, and a forged one at most one scan before its sender is closed.
 */
function hasSuggestion(doc: Y.Doc, key: string, attrs: SuggestionAttrs): boolean {
  const wanted = entryOf(key, attrs);
  const index = indexes.get(doc);
  if (index?.known.has(wanted)) return true;
  const size = contentSize(doc);
  if (index && index.size === size) return false;
  const known = new Set<string>();
  for (const clientStructs of doc.store.clients.values()) {
    for (const struct of clientStructs) {
      if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentFormat)) continue;
      const format = struct.content;
      if (isSuggestionAttrs(format.value)) known.add(entryOf(format.key, format.value));
    }
  }
  indexes.set(doc, { size, known });
  return known.has(wanted);
}

/**
 * Why an update's deletions are refused for stretching someone else's suggestion, or null.
 *
 * A suggestion mark is a pair of Yjs format items: one opening it with the author's attributes,
 * one closing it (null). Deleting only the closing item lets her mark run on over the text after
 * it, text she never wrote or marked, now shown as her suggestion. So whenever an update deletes
 * a suggestion format item of the document, the text it uncovers is judged: every character
 * still there after the update, from the deleted item up to the next format item of the same
 * key that stays, must have carried the very mark that now covers it (the mark of the nearest
 * remaining format item of that key to its left). Honest edits pass: accepting or rejecting
 * removes the mark (or its text) whole, deleting text inside or around a suggestion lets Yjs
 * drop format items that changed nothing, and undoing a colleague's typing inside her
 * suggestion drops the close-and-reopen pair around it, after which her mark covers her text
 * again. The sender's own suggestions, and text left unmarked, are not judged.
 */
export function stretchedSuggestionRefusal(doc: Y.Doc, deletes: DeleteSet, userId: string | undefined): string | null {
  if (userId === undefined) return null;
  for (const [client, ranges] of deletes.clients) {
    const structs = doc.store.clients.get(client);
    if (!structs) continue;
    const known = Y.getState(doc.store, client);
    for (const { clock, len } of ranges) {
      if (clock >= known) continue; // beyond what the document has: deletes nothing here
      for (let index = Y.findIndexSS(structs, clock); index < structs.length && structs[index].id.clock < clock + len; index++) {
        const struct = structs[index];
        if (!(struct instanceof Y.Item) || struct.deleted || !(struct.content instanceof Y.ContentFormat)) continue;
        if (!isSuggestionKey(struct.content.key)) continue;
        const refusal = uncoveredTextRefusal(struct, struct.content.key, deletes, userId);
        if (refusal) return refusal;
      }
    }
  }
  return null;
}

/** Whether a Yjs format key is a suggestion mark's (`suggestInsert`, `suggestDelete--<hash>`, ...). */
const isSuggestionKey = (key: string) => isSuggestionMark(markNameOfKey(key));

/** `format` (a suggestion format item of key `key`) is deleted by the update: the text it uncovers, judged. */
function uncoveredTextRefusal(format: Y.Item, key: string, deletes: DeleteSet, userId: string): string | null {
  const stays = (item: Y.Item) => !item.deleted && !Y.isDeleted(deletes, item.id);
  const formatOf = (item: Y.Item) => (item.content instanceof Y.ContentFormat && item.content.key === key ? item.content : null);
  // The mark covering the uncovered text after the update: the nearest remaining `key` item to the left.
  let after: unknown = null;
  for (let left = format.left; left; left = left.left) {
    const found = formatOf(left);
    if (found && stays(left)) {
      after = found.value;
      break;
    }
  }
  if (!isSuggestionAttrs(after) || after.author === userId) return null;
  // Walk right to the next remaining `key` item; what each character carried before is tracked on the way.
  let before: unknown = (format.content as Y.ContentFormat).value;
  for (let right = format.right; right; right = right.right) {
    const found = formatOf(right);
    if (found) {
      if (stays(right)) break;
      if (!right.deleted) before = found.value;
      continue;
    }
    if (right.countable && stays(right) && !sameAttrs(before, after)) {
      return `suggestion by someone else stretched over text it never covered (mark ${JSON.stringify(key)})`;
    }
  }
  return null;
}
