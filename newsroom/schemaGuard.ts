import { getSchema, type AnyExtension } from "@tiptap/core";
import type { NodeType } from "@tiptap/pm/model";
import * as Y from "yjs";
import { indexOfRunHolding } from "./clockRuns";
import { NODE_ATTRIBUTE_CHECKS, bodyExtensions, titleExtensions } from "./editorExtensions";
import { normalizedDeleteSet, stretchedSuggestionRefusal, suggestionMarkRefusal } from "./suggestionGuard";
import { isSuggestionMark, markNameOfKey } from "./suggestionMarks";

/**
 * Schema at the door (issue 10, attacks 9 and 10): a Yjs update is checked against the editor's
 * schema before it touches the live document, so nothing the editor could not have written is
 * ever stored. A node type the schema does not know makes every later version fail to restore,
 * and a title without a length limit bloats every page that lists stories.
 *
 * The allowed node names, attributes and marks come from the one extension list
 * (`editorExtensions.ts`): there is no second list to keep in step.
 */
export class OutsideSchema extends Error {}

/**
 * The update builds on content the document does not have (yet), so where it lands cannot be
 * known and it cannot be checked now. Not a refusal: the caller may keep it until that content
 * arrives (a client that types right after reconnecting sends its sync step 2 afterwards).
 */
export class MissingDependency extends Error {}

/** The Yjs root types a story has (DESIGN.md §3); writing any other is refused. */
export type StoryRoot = "title" | "body";

interface FragmentRules {
  /** Element node name → the attributes it may carry. */
  nodes: Map<string, Set<string>>;
  /** Mark name → the attributes it may carry. */
  marks: Map<string, Set<string>>;
  /**
   * Parent node name (the root fragment as `FRAGMENT`) → what may sit directly inside it:
   * which elements, and whether text (a Y.XmlText holds a node's inline text).
   */
  children: Map<string, AllowedChildren>;
}

interface AllowedChildren {
  nodes: Set<string>;
  text: boolean;
}

/** The key of the root fragment (the schema's top node) in `FragmentRules.children`. */
const FRAGMENT = "";

/**
 * Every node type that may appear directly inside `type`, read from its content expression
 * (every edge of its content automaton). Order and counts are the editor's business; nesting
 * is what keeps a story convertible to the editor's JSON and restorable.
 */
function allowedChildrenOf(type: NodeType): AllowedChildren {
  const seen = new Set<unknown>();
  const nodes = new Set<string>();
  let text = false;
  const queue = [type.contentMatch];
  while (queue.length > 0) {
    const match = queue.pop()!;
    if (seen.has(match)) continue;
    seen.add(match);
    for (let i = 0; i < match.edgeCount; i++) {
      const edge = match.edge(i);
      if (edge.type.isText) text = true;
      else nodes.add(edge.type.name);
      queue.push(edge.next);
    }
  }
  return { nodes, text };
}

function rulesOf(extensions: AnyExtension[]): FragmentRules {
  const schema = getSchema(extensions);
  const nodes = new Map<string, Set<string>>();
  const children = new Map<string, AllowedChildren>([[FRAGMENT, allowedChildrenOf(schema.topNodeType)]]);
  for (const [name, type] of Object.entries(schema.nodes)) {
    // The document is the fragment itself and text is a Y.XmlText: neither is an element.
    if (name === schema.topNodeType.name || type.isText) continue;
    nodes.set(name, new Set(Object.keys(type.spec.attrs ?? {})));
    children.set(name, allowedChildrenOf(type));
  }
  const marks = new Map<string, Set<string>>();
  for (const [name, type] of Object.entries(schema.marks)) marks.set(name, new Set(Object.keys(type.spec.attrs ?? {})));
  return { nodes, marks, children };
}

let rulesCache: Record<StoryRoot, FragmentRules> | null = null;

/** The rules of each root, built once from the extension lists. */
export function storySchemaRules(): Record<StoryRoot, FragmentRules> {
  rulesCache ??= { title: rulesOf(titleExtensions()), body: rulesOf(bodyExtensions()) };
  return rulesCache;
}

/** Deeper nesting than any story needs (lists in quotes in lists…) is refused, not walked. */
const MAX_NESTING = 64;

/** What an item sits in: a root fragment, an element, a text, or something the editor never makes. */
interface Container {
  root: string;
  kind: "fragment" | "element" | "text" | "other" | "discarded";
  nodeName: string | null;
  depth: number;
}

/**
 * Where Yjs puts an item whose neighbour is garbage-collected content, or whose parent is not a
 * live type: nowhere (it integrates a GC struct instead). Such an item cannot break the schema,
 * and a stock client with garbage collection on sends them honestly (content it created and
 * deleted while offline), so it is let through rather than refused.
 */
const DISCARDED: Container = { root: "(discarded)", kind: "discarded", nodeName: null, depth: 0 };

interface Place {
  container: Container;
  parentSub: string | null;
}

type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;
type AnyStruct = DecodedUpdate["structs"][number];

export interface SchemaCheckOptions {
  /** Longest title, in characters (the API's limit, so every path holds the same one). */
  maxTitleLength: number;
  /**
   * The sender's user id: a new suggestion mark must carry it (`suggestionGuard.ts`). Left out
   * only where no person sends the update (unit tests of the schema alone).
   */
  userId?: string;
  /**
   * Most items the stretched-suggestion check may walk for one update (COLLAB_MAX_STRETCH_WALK);
   * past it `StretchCheckTooLong` is thrown. Unbounded when left out.
   */
  maxStretchWalk?: number;
}

/**
 * Throws `OutsideSchema` when `update` (already decoded) would put into `doc` a node, attribute
 * or mark outside the editor's schema, write a root other than `title`/`body`, make the title
 * longer than allowed; throws `MissingDependency` when it builds on content `doc` does not have
 * (so it cannot be checked yet).
 * Cheap enough for every keystroke: one pass over the update's structs, lookups into the live
 * document's store, no copy of the document.
 */
export function checkUpdateSchema(doc: Y.Doc, decoded: DecodedUpdate, { maxTitleLength, userId, maxStretchWalk }: SchemaCheckOptions): void {
  const rules = storySchemaRules();
  // Sorted and merged: `Y.isDeleted` assumes it, Yjs applies an unsorted one all the same.
  const deletes = normalizedDeleteSet(decoded.ds);
  const locator = new Locator(doc, decoded.structs);
  let titleInserted = 0;
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue; // GC and Skip carry no content
    const { container, parentSub } = locator.placeOf(struct);
    if (container.kind === "discarded") continue;
    if (container.root !== "title" && container.root !== "body") throw new OutsideSchema(`root type ${shown(container.root)} is not part of a story`);
    const rootRules = rules[container.root];
    const content = struct.content;
    if (content instanceof Y.ContentDeleted) continue;
    switch (container.kind) {
      case "fragment":
      case "element":
        if (parentSub !== null) {
          const allowed = container.kind === "element" ? rootRules.nodes.get(container.nodeName!) : undefined;
          if (!allowed?.has(parentSub)) throw new OutsideSchema(`attribute ${shown(parentSub)} is not in the schema of ${shown(container.nodeName ?? container.root)}`);
          if (!(content instanceof Y.ContentAny || content instanceof Y.ContentString)) throw new OutsideSchema(`attribute ${shown(parentSub)} holds a shared type`);
          checkAttributeValue(container.nodeName!, parentSub, content);
          break;
        }
        if (!(content instanceof Y.ContentType)) throw new OutsideSchema(`${shown(container.nodeName ?? container.root)} holds content outside any node`);
        {
          const parentName = container.kind === "element" ? container.nodeName! : FRAGMENT;
          const allowedChildren = rootRules.children.get(parentName);
          const shownParent = shown(container.nodeName ?? container.root);
          if (content.type instanceof Y.XmlText) {
            if (!allowedChildren?.text) throw new OutsideSchema(`${shownParent} may not hold text directly`);
            break;
          }
          if (!(content.type instanceof Y.XmlElement) || content.type.constructor !== Y.XmlElement) {
            throw new OutsideSchema(`${shownParent} holds a type the editor never writes`);
          }
          const nodeName = content.type.nodeName;
          if (!rootRules.nodes.has(nodeName)) throw new OutsideSchema(`node ${shown(nodeName)} is not in the ${container.root} schema`);
          if (!allowedChildren?.nodes.has(nodeName)) throw new OutsideSchema(`node ${shown(nodeName)} may not sit inside ${shownParent}`);
        }
        break;
      case "text":
        if (parentSub !== null) throw new OutsideSchema("text carries attributes");
        if (content instanceof Y.ContentString) {
          if (container.root === "title") titleInserted += content.getLength();
        } else if (content instanceof Y.ContentFormat) {
          checkMark(rootRules, content.key, content.value);
          if (isSuggestionMark(markNameOfKey(content.key))) {
            const refusal = suggestionMarkRefusal(doc, content.key, content.value, userId, { item: struct, deletes });
            if (refusal) throw new OutsideSchema(refusal);
          }
        } else {
          throw new OutsideSchema("text holds something that is not text or a mark");
        }
        break;
      default:
        throw new OutsideSchema("content inside a type the editor never writes");
    }
  }
  // Deleting a colleague's closing suggestion item would stretch her mark over others' text.
  const stretched = stretchedSuggestionRefusal(doc, { structs: decoded.structs, deletes }, userId, maxStretchWalk);
  if (stretched) throw new OutsideSchema(stretched);
  if (titleInserted > 0) {
    const current = titleLength(doc);
    if (current + titleInserted > maxTitleLength && current + titleInserted - titleCharsDeleted(doc, deletes, locator) > maxTitleLength) {
      throw new OutsideSchema(`title longer than ${maxTitleLength} characters`);
    }
  }
}

/** An attribute whose value the schema restricts (a figure's `src`: only our own `/media/`). */
function checkAttributeValue(nodeName: string, attribute: string, content: Y.ContentAny | Y.ContentString): void {
  const check = NODE_ATTRIBUTE_CHECKS[nodeName]?.[attribute];
  if (!check) return;
  const values = content instanceof Y.ContentString ? [content.str] : content.arr;
  for (const value of values) {
    if (!check(value)) throw new OutsideSchema(`attribute ${shown(attribute)} of ${shown(nodeName)} has a value outside the schema`);
  }
}

/** A name from the update, quoted and cut short: it ends up in close reasons and logs. */
const shown = (name: string) => JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);

/**
 * y-prosemirror keys a mark by its name, or `name--hash` when one mark type may overlap itself;
 * the name is read as y-tiptap reads it (`markNameOfKey`), so any other key is an unknown mark.
 */
function checkMark(rules: FragmentRules, key: string, value: unknown): void {
  const name = markNameOfKey(key);
  const attrs = rules.marks.get(name);
  if (!attrs) throw new OutsideSchema(`mark ${shown(name)} is not in the schema`);
  // null ends a marked range; `true` is how plain Yjs code marks text (no attributes).
  if (value === null || value === true) return;
  if (typeof value !== "object" || Array.isArray(value)) throw new OutsideSchema(`mark ${shown(name)} has malformed attributes`);
  for (const attr of Object.keys(value as object)) {
    if (!attrs.has(attr)) throw new OutsideSchema(`attribute ${shown(attr)} is not in the schema of mark ${shown(name)}`);
  }
}

/** Characters in the title's texts now (what a title-length check compares against). */
export function titleLength(doc: Y.Doc): number {
  let length = 0;
  const visit = (node: unknown) => {
    if (node instanceof Y.XmlText) length += node.length;
    else if (node instanceof Y.XmlElement) node.toArray().forEach(visit);
  };
  doc.getXmlFragment("title").toArray().forEach(visit);
  return length;
}

/** Title characters in `doc` that the update's delete set removes (only read near the limit). */
function titleCharsDeleted(doc: Y.Doc, ds: DecodedUpdate["ds"], locator: Locator): number {
  let deleted = 0;
  for (const [client, ranges] of ds.clients) {
    const structs = doc.store.clients.get(client);
    if (!structs) continue;
    for (const { clock, len } of ranges) {
      let index: number;
      try {
        index = Y.findIndexSS(structs, clock);
      } catch {
        continue; // beyond what the document has: deletes nothing yet
      }
      for (; index < structs.length && structs[index].id.clock < clock + len; index++) {
        const struct = structs[index];
        if (!(struct instanceof Y.Item) || struct.deleted || !(struct.content instanceof Y.ContentString)) continue;
        if (locator.describeType(struct.parent as Y.AbstractType<any>).root !== "title") continue;
        const start = Math.max(clock, struct.id.clock);
        const end = Math.min(clock + len, struct.id.clock + struct.length);
        deleted += Math.max(0, end - start);
      }
    }
  }
  return deleted;
}

/**
 * Finds where each item of an update lands. An item names its parent only when it has no
 * neighbours; otherwise it sits beside its origin, which is in the same update or already in
 * the document. Chains of neighbours (a typed sentence) are followed iteratively.
 */
class Locator {
  private readonly byClient = new Map<number, Y.Item[]>();
  /** The update's garbage-collected ranges, by client. */
  private readonly gcByClient = new Map<number, Y.GC[]>();
  private readonly places = new Map<Y.Item, Place>();
  private readonly typeContainers = new WeakMap<Y.AbstractType<any>, Container>();
  private readonly rootNames = new Map<Y.AbstractType<any>, string>();

  constructor(
    private readonly doc: Y.Doc,
    structs: readonly AnyStruct[],
  ) {
    for (const struct of structs) {
      if (struct instanceof Y.GC) {
        let gcs = this.gcByClient.get(struct.id.client);
        if (!gcs) this.gcByClient.set(struct.id.client, (gcs = []));
        gcs.push(struct);
      }
      if (!(struct instanceof Y.Item)) continue;
      let list = this.byClient.get(struct.id.client);
      if (!list) this.byClient.set(struct.id.client, (list = []));
      list.push(struct);
    }
    for (const list of this.byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
    for (const [name, type] of doc.share) this.rootNames.set(type, name);
  }

  placeOf(item: Y.Item): Place {
    const chain = new Set<Y.Item>();
    let current: Y.Item = item;
    let place: Place | undefined;
    for (;;) {
      place = this.places.get(current);
      if (place) break;
      // Yjs drops an item beside collected content before it looks at the parent (Item.getMissing).
      if ((current.origin && this.isCollected(current.origin)) || (current.rightOrigin && this.isCollected(current.rightOrigin))) {
        place = { container: DISCARDED, parentSub: null };
        break;
      }
      if (typeof current.parent === "string") {
        place = { container: this.rootContainer(current.parent), parentSub: current.parentSub };
        break;
      }
      if (current.parent instanceof Y.ID) {
        place = { container: this.containerOfTypeItem(current.parent), parentSub: current.parentSub };
        break;
      }
      const neighbour = current.origin ?? current.rightOrigin;
      if (!neighbour) throw new OutsideSchema("an item without parent or neighbour");
      const found = this.updateItem(neighbour);
      if (found) {
        chain.add(current);
        if (chain.has(found)) throw new OutsideSchema("an item placed beside itself");
        current = found;
        continue;
      }
      const existing = this.docItem(neighbour);
      place = { container: this.describeType(existing.parent as Y.AbstractType<any>), parentSub: existing.parentSub };
      break;
    }
    this.places.set(current, place);
    for (const link of chain) this.places.set(link, place);
    return place;
  }

  /** What a type already in the document is (cached: every keystroke asks about the same few). */
  describeType(type: Y.AbstractType<any>): Container {
    const cached = this.typeContainers.get(type);
    if (cached) return cached;
    let container: Container;
    if (type._item === null) {
      container = this.rootContainer(this.rootNames.get(type) ?? "(unnamed)");
    } else {
      const parent = this.describeType(type._item.parent as Y.AbstractType<any>);
      container = childContainer(parent, type);
    }
    this.typeContainers.set(type, container);
    return container;
  }

  private rootContainer(name: string): Container {
    return { root: name, kind: "fragment", nodeName: null, depth: 0 };
  }

  /** The container a ContentType item creates (`id` is that item's id). */
  private containerOfTypeItem(id: Y.ID): Container {
    if (this.isCollected(id)) return DISCARDED;
    const inUpdate = this.updateItem(id);
    if (inUpdate) {
      // A parent without a type (deleted content) leaves Yjs no type to put the item in.
      if (!(inUpdate.content instanceof Y.ContentType)) return DISCARDED;
      return childContainer(this.placeOf(inUpdate).container, inUpdate.content.type);
    }
    const existing = this.docItem(id);
    if (!(existing.content instanceof Y.ContentType)) return DISCARDED;
    return this.describeType(existing.content.type);
  }

  /** Whether `id` falls in garbage-collected content, of this update or of the document. */
  private isCollected(id: Y.ID): boolean {
    for (const gc of this.gcByClient.get(id.client) ?? []) {
      if (id.clock >= gc.id.clock && id.clock < gc.id.clock + gc.length) return true;
    }
    const structs = this.doc.store.clients.get(id.client);
    if (!structs || id.clock >= Y.getState(this.doc.store, id.client)) return false;
    return structs[Y.findIndexSS(structs, id.clock)] instanceof Y.GC;
  }

  /** The update's item containing `id`, if the update has one. */
  private updateItem(id: Y.ID): Y.Item | null {
    const list = this.byClient.get(id.client);
    if (!list) return null;
    const index = indexOfRunHolding(list, id.clock, (item) => item.id.clock, (item) => item.length);
    return index < 0 ? null : list[index];
  }

  /**
   * The document's item containing `id`. Content that is in neither the update nor the
   * document cannot be located, so cannot be checked: it is refused (a stock client only ever
   * builds on what its server sent it).
   */
  private docItem(id: Y.ID): Y.Item {
    const structs = this.doc.store.clients.get(id.client);
    if (structs && id.clock < Y.getState(this.doc.store, id.client)) {
      const struct = structs[Y.findIndexSS(structs, id.clock)];
      if (struct instanceof Y.Item) return struct;
    }
    throw new MissingDependency("builds on content the server does not have");
  }
}

function childContainer(parent: Container, type: Y.AbstractType<any>): Container {
  if (parent.kind === "discarded") return DISCARDED;
  const depth = parent.depth + 1;
  if (depth > MAX_NESTING) throw new OutsideSchema("nested too deeply");
  if (type instanceof Y.XmlText) return { root: parent.root, kind: "text", nodeName: null, depth };
  if (type instanceof Y.XmlElement && type.constructor === Y.XmlElement) {
    return { root: parent.root, kind: "element", nodeName: type.nodeName, depth };
  }
  return { root: parent.root, kind: "other", nodeName: null, depth };
}
