import * as Y from "yjs";
import { indexOfRunHolding } from "./clockRuns";
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
 * An update's delete set sorted and merged per client, as a fresh copy. `Y.decodeUpdate` gives
 * the ranges in the order they were written and `Y.isDeleted` binary-searches them assuming
 * they are sorted, while Yjs applies every range whatever its order: a crafted unsorted delete
 * set could hide a deletion from the guards and still delete. Every guard reads this copy.
 */
export function normalizedDeleteSet(deletes: DeleteSet): DeleteSet {
  return Y.mergeDeleteSets([deletes]);
}

/** The structs of a decoded update (only their ids and origins are read here). */
type UpdateStructs = ReturnType<typeof Y.decodeUpdate>["structs"];

/**
 * Per client id, the highest clock an update refers to: content it adds, content it deletes,
 * the neighbours (origins) and parents it builds on. A sender that refers to clock k of a client
 * has seen that client's content up to k (Yjs delivers each client's content in order); text
 * past every clock it refers to may have been typed concurrently, without the sender seeing it.
 */
function referencedClocks(structs: UpdateStructs, deletes: DeleteSet): Map<number, number> {
  const highest = new Map<number, number>();
  const note = (id: Y.ID | null | undefined, length = 1) => {
    if (!id) return;
    const last = id.clock + length - 1;
    if ((highest.get(id.client) ?? -1) < last) highest.set(id.client, last);
  };
  for (const [client, ranges] of deletes.clients) for (const { clock, len } of ranges) note(Y.createID(client, clock), len);
  for (const struct of structs) {
    note(struct.id, struct.length);
    if (!(struct instanceof Y.Item)) continue;
    note(struct.origin);
    note(struct.rightOrigin);
    if (struct.parent instanceof Y.ID) note(struct.parent);
  }
  return highest;
}

/**
 * The first clock of `[clock, clock + length)` of `client` that `deletes` (sorted and merged)
 * leaves standing, or null when it deletes them all: a text item stays while any character does.
 */
function firstStandingClock(deletes: DeleteSet, client: number, clock: number, length: number): number | null {
  const ranges = deletes.clients.get(client);
  if (!ranges) return clock;
  const index = indexOfRunHolding(ranges, clock, (range) => range.clock, (range) => range.len);
  if (index < 0) return clock;
  // Merged ranges never touch, so the clock just past the one holding `clock` stands.
  const end = ranges[index].clock + ranges[index].len;
  return end < clock + length ? end : null;
}

/**
 * Why an update's deletions are refused for stretching someone else's suggestion, or null.
 *
 * A suggestion mark is a pair of Yjs format items: one opening it with the author's attributes,
 * one closing it (null). Deleting only the closing item lets her mark run on over the text after
 * it, text she never wrote or marked, now shown as her suggestion. So whenever an update deletes
 * a suggestion format item of the document, the text holding it is judged in one pass (twice over
 * its items, whatever the number of suggestions), per key from each remaining format item up to the next:
 * every character still there after the update (a text item counts as long as any of its
 * characters stays) must have carried the very mark that now covers it. Honest edits pass:
 * accepting or rejecting removes the mark (or its text) whole, deleting text inside or around a
 * suggestion lets Yjs drop format items that changed nothing, and undoing a colleague's typing
 * inside her suggestion drops the close-and-reopen pair around it, after which her mark covers
 * her text again. The sender's own suggestions, and text left unmarked, are not judged.
 *
 * Text the sender cannot have seen is not held against it. Yjs drops format items it finds
 * redundant in the sender's copy; someone typing concurrently at that very spot (next to text
 * the update deletes) adds text the sender never saw, which the dropped item would have kept
 * unmarked. Such text is let through when its characters are past every clock of their client
 * the update refers to (the sender cannot have seen them) and it was typed right next to
 * text this update deletes inside the same stretch (or next to other such text): that is
 * where concurrent typing meets the sender's deletion. A deleted format item does not count:
 * words typed after her suggestion sit right beside her closing item, and a pure delete of that
 * item refers to none of their client's clocks, so they would always look unseen. Refusing
 * would throw away the honest sender's edits, while the stretch stays visible and its update
 * is logged under its sender. A forger deleting a closing item over text it could see, or over
 * text typed next to anything outside the stretch (deleting the character before her
 * suggestion does not help), is refused.
 *
 * The update's own closing items count. Ending one mark, Yjs sometimes writes a new closing item
 * for a neighbouring one and drops the old: a reporter rejecting the chief's 晴→多云 right after the
 * editor's deletion of 今天, where the chief's opening item before 晴 sits before the editor's
 * closing item (their client ids decide), sends a new closing of her 今天 right after 天 and
 * deletes her old one. Judged on the document without it, her mark would seem to run on over
 * 晴，气温二十度 and the honest reject was refused (when it reached the room before a colleague's
 * accept of 今天 had removed that closing item). A closing item (null) new in the update is counted
 * where Yjs puts it at the latest: before its right origin (after that whole item when the right
 * origin is inside it). Counted there it ends her mark no earlier than Yjs does, so no text after
 * it is let through that will show her mark, provided nothing between where Yjs puts it and where
 * it is counted can open her mark again; hence it counts only when its origin and right origin
 * are items of this text in that order (otherwise Yjs puts it after its origin, anywhere), no
 * format item of its key that stays lies between them (Yjs may put the closing before it), and
 * the update writes no other value of that key anywhere (a new opening of her mark past her
 * deleted closing item, which this walk does not place, would open it again). A forger can only
 * end her mark with it, never stretch it.
 */
export function stretchedSuggestionRefusal(
  doc: Y.Doc,
  update: { structs: UpdateStructs; deletes: DeleteSet },
  userId: string | undefined,
  maxWalk = Number.POSITIVE_INFINITY,
): string | null {
  if (userId === undefined) return null;
  const { deletes } = update;
  // The texts holding a suggestion format item this update deletes: each is judged in one pass.
  const texts = new Set<Y.AbstractType<unknown>>();
  for (const [client, ranges] of deletes.clients) {
    const structs = doc.store.clients.get(client);
    if (!structs) continue;
    const known = Y.getState(doc.store, client);
    for (const { clock, len } of ranges) {
      if (clock >= known) continue; // beyond what the document has: deletes nothing here
      for (let index = Y.findIndexSS(structs, clock); index < structs.length && structs[index].id.clock < clock + len; index++) {
        const struct = structs[index];
        if (!(struct instanceof Y.Item) || struct.deleted || !(struct.content instanceof Y.ContentFormat)) continue;
        if (isSuggestionKey(struct.content.key)) texts.add(struct.parent as Y.AbstractType<unknown>);
      }
    }
  }
  if (texts.size === 0) return null;
  const pass: TextPass = {
    doc,
    deletes,
    userId,
    seen: referencedClocks(update.structs, deletes),
    closings: newClosings(doc, update.structs, deletes),
    budget: { left: maxWalk },
  };
  for (const text of texts) {
    const refusal = stretchInTextRefusal(text, pass);
    if (refusal) return refusal;
  }
  return null;
}

/** Whether a Yjs format key is a suggestion mark's (`suggestInsert`, `suggestDelete--<hash>`, ...). */
const isSuggestionKey = (key: string) => isSuggestionMark(markNameOfKey(key));

/** What judging one update shares across the texts it touches. */
interface TextPass {
  doc: Y.Doc;
  deletes: DeleteSet;
  userId: string;
  /** Per client, the highest clock the update refers to (`referencedClocks`). */
  seen: Map<number, number>;
  /** The suggestion marks the update closes anew (`newClosings`). */
  closings: Y.Item[];
  budget: { left: number };
}

/**
 * The format items an update adds that close a suggestion key (value null), new to the document
 * and not deleted by the same update, for keys the update writes no other value of anywhere (an
 * update that also reopens a key gets no closing of it counted: see `stretchInTextRefusal`).
 */
function newClosings(doc: Y.Doc, structs: UpdateStructs, deletes: DeleteSet): Y.Item[] {
  const closings: Y.Item[] = [];
  const reopened = new Set<string>();
  for (const struct of structs) {
    if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentFormat) || !isSuggestionKey(struct.content.key)) continue;
    if (struct.content.value !== null) reopened.add(struct.content.key);
    else if (struct.id.clock >= Y.getState(doc.store, struct.id.client) && !Y.isDeleted(deletes, struct.id)) closings.push(struct);
  }
  return closings.filter((item) => !reopened.has((item.content as Y.ContentFormat).key));
}

/** Thrown past the walking budget (`maxWalk`): the update is refused rather than judged forever. */
export class StretchCheckTooLong extends Error {}

/** Whether two values of a suggestion key give the same mark (both none, or the same suggestion). */
const sameMark = (a: unknown, b: unknown) => (a === null && b === null) || (isSuggestionAttrs(b) && sameAttrs(a, b));

/** Per suggestion key, along the pass: the mark covering text after the update and the one it carried before. */
interface KeyState {
  after: unknown;
  before: unknown;
  /** Position of the last remaining item of the key (where the stretch being walked began), -1: none. */
  start: number;
}

/**
 * One text, judged in two passes over its items (so the cost is the text's length, however many
 * suggestions the update touches): the first numbers the items and notes where each key's
 * remaining format items are; the second follows, per key, the mark each character carries after
 * the update and the one it carried before, and judges the characters where they differ.
 */
function stretchInTextRefusal(text: Y.AbstractType<unknown>, pass: TextPass): string | null {
  const { deletes, userId } = pass;
  const step = () => {
    if (--pass.budget.left < 0) throw new StretchCheckTooLong("the deletions touch more text than COLLAB_MAX_STRETCH_WALK allows judging");
  };
  const stays = (item: Y.Item) => !item.deleted && firstStandingClock(deletes, item.id.client, item.id.clock, item.length) !== null;
  const suggestionFormat = (item: Y.Item) =>
    item.content instanceof Y.ContentFormat && isSuggestionKey(item.content.key) ? item.content : null;
  const items: Y.Item[] = [];
  const position = new Map<Y.Item, number>();
  const remaining = new Map<string, number[]>(); // per key, positions of its remaining format items
  for (let item = text._start; item; item = item.right) {
    step();
    position.set(item, items.length);
    const format = suggestionFormat(item);
    if (format && stays(item)) {
      const list = remaining.get(format.key) ?? [];
      list.push(items.length);
      remaining.set(format.key, list);
    }
    items.push(item);
  }
  // Where the update's own closing items end their key's mark at the latest (`closingPosition`):
  // just before the item at that position. There they also end the stretch being walked.
  const closingsAt = new Map<number, Set<string>>();
  for (const closing of pass.closings) {
    const at = closingPosition(pass.doc, closing, text, position, items, stays, step);
    if (at === null) continue;
    const key = (closing.content as Y.ContentFormat).key;
    const set = closingsAt.get(at) ?? new Set<string>();
    set.add(key);
    closingsAt.set(at, set);
    const list = remaining.get(key) ?? [];
    list.push(at);
    remaining.set(key, list);
  }
  for (const list of remaining.values()) list.sort((a, b) => a - b);
  /** Position of the next remaining item of `key` after `at` (the stretch's end), or the text's end. */
  const stretchEnd = (key: string, at: number) => {
    const list = remaining.get(key) ?? [];
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (list[middle] <= at) low = middle + 1;
      else high = middle;
    }
    return low < list.length ? list[low] : items.length;
  };
  const store = pass.doc.store;
  const itemHolding = (id: Y.ID | null): Y.Item | null => {
    if (id === null || !store.clients.has(id.client) || id.clock >= Y.getState(store, id.client)) return null;
    const struct = Y.getItem(store, id);
    return struct instanceof Y.Item ? struct : null;
  };
  const keys = new Map<string, KeyState>();
  const differing = new Set<string>(); // keys whose mark after the update differs from before, here
  const excused = new Set<Y.Item>(); // text the sender may not have seen (typed concurrently where it deleted)
  for (let at = 0; at < items.length; at++) {
    step();
    for (const key of closingsAt.get(at) ?? []) {
      // The update's own closing item ends the key's mark here or earlier, like a remaining one:
      // what follows carries no mark of the key after the update until its next remaining item.
      const state = keys.get(key) ?? { after: null, before: null, start: -1 };
      keys.set(key, state);
      state.after = null;
      state.start = at - 1;
      if (sameMark(state.before, state.after)) differing.delete(key);
      else differing.add(key);
    }
    const item = items[at];
    const format = suggestionFormat(item);
    if (format) {
      if (item.deleted) continue; // gone before the update: carries nothing
      const state = keys.get(format.key) ?? { after: null, before: null, start: -1 };
      keys.set(format.key, state);
      if (stays(item)) {
        state.after = state.before = format.value;
        state.start = at;
        differing.delete(format.key);
      } else {
        state.before = format.value; // removed by this update: what follows carried it, and will carry `after`
        if (sameMark(state.before, state.after)) differing.delete(format.key);
        else differing.add(format.key);
      }
      continue;
    }
    if (differing.size === 0 || !item.countable || item.deleted) continue;
    const standing = firstStandingClock(deletes, item.id.client, item.id.clock, item.length);
    if (standing === null) continue;
    for (const key of differing) {
      const state = keys.get(key)!;
      if (!isSuggestionAttrs(state.after) || state.after.author === userId) continue;
      // Typed concurrently next to text this update deletes inside the same stretch? Only deleted
      // text counts, never a deleted format item: text typed after her suggestion sits right
      // beside her closing item, so deleting that item alone would otherwise excuse it.
      const end = stretchEnd(key, at);
      const besideDeleted = (id: Y.ID | null) => {
        const holder = itemHolding(id);
        const where = holder ? position.get(holder) : undefined;
        if (!holder || where === undefined || where <= state.start || where >= end) return false;
        return excused.has(holder) || (holder.countable && !(holder.content instanceof Y.ContentFormat) && Y.isDeleted(deletes, id!));
      };
      const unseen = standing > (pass.seen.get(item.id.client) ?? -1) && (besideDeleted(item.origin) || besideDeleted(item.rightOrigin));
      if (unseen) {
        excused.add(item);
        continue;
      }
      return `suggestion by someone else stretched over text it never covered (mark ${JSON.stringify(key)})`;
    }
  }
  return null;
}

/**
 * The position in `items` (the text's items, `position` their positions) just before which a
 * closing item of the update (`newClosings`) lands at the latest, or null when the document does
 * not tell. Yjs integrates a new item after its origin and before its right origin, whichever
 * concurrent items it passes between them, when both are items of the same text in that order;
 * when its right origin lies inside an item, after the part before it, so it is placed after that
 * whole item. Null also when a format item of its key that stays sits between its origins: Yjs may
 * put the closing before it, where that item would still open the mark after the closing.
 */
function closingPosition(
  doc: Y.Doc,
  closing: Y.Item,
  text: Y.AbstractType<unknown>,
  position: Map<Y.Item, number>,
  items: Y.Item[],
  stays: (item: Y.Item) => boolean,
  step: () => void,
): number | null {
  const { origin, rightOrigin } = closing;
  const right = docItemAt(doc, rightOrigin);
  const rightAt = right && right.parent === text ? position.get(right) : undefined;
  if (!right || rightAt === undefined) return null;
  let leftAt = -1;
  if (origin !== null) {
    const left = docItemAt(doc, origin);
    const at = left && left.parent === text ? position.get(left) : undefined;
    if (at === undefined || at > rightAt || (at === rightAt && origin.clock >= rightOrigin!.clock)) return null;
    leftAt = at;
  }
  const landsBefore = rightOrigin!.clock === right.id.clock ? rightAt : rightAt + 1;
  const key = (closing.content as Y.ContentFormat).key;
  for (let at = leftAt + 1; at < landsBefore; at++) {
    step();
    const item = items[at];
    if (item.content instanceof Y.ContentFormat && item.content.key === key && stays(item)) return null;
  }
  return landsBefore;
}
