import * as Y from "yjs";

/** A run of text in a comparison: unchanged, inserted or deleted, and by whom. */
export interface DiffSpan {
  kind: "same" | "ins" | "del";
  text: string;
  /** Who wrote it (same, ins) or deleted it (del); null for the server's own content. */
  author: string | null;
}

/** One paragraph, heading or caption of the story, compared. */
export interface DiffBlock {
  /** Tiptap node name: paragraph, heading, figure (its caption)… */
  type: string;
  level?: number;
  status: "same" | "changed" | "inserted" | "deleted";
  spans: DiffSpan[];
}

export interface AuthorCount {
  author: string | null;
  inserted: number;
  deleted: number;
}

export interface VersionDiff {
  title: DiffSpan[];
  blocks: DiffBlock[];
  /** Characters inserted and deleted per person between the two versions (whitespace not counted). */
  authors: AuthorCount[];
}

/** Who made each Yjs client id's content; who deleted a given item. */
export interface Attribution {
  authorOf(client: number): string | null;
  deleterOf(id: Y.ID): string | null;
}

const CONTAINERS = new Set(["blockquote", "bulletList", "orderedList", "listItem"]);

function isVisible(item: Y.Item, snapshot: Y.Snapshot): boolean {
  return (snapshot.sv.get(item.id.client) ?? 0) > item.id.clock && !Y.isDeleted(snapshot.ds, item.id);
}

/** Every child item of a type, deleted ones included (gc is off on the server). */
function childItems(type: Y.AbstractType<unknown>): Y.Item[] {
  const items: Y.Item[] = [];
  for (let item = type._start; item !== null; item = item.right) items.push(item);
  return items;
}

const countable = (text: string) => text.replace(/\s/g, "").length;

class DiffBuilder {
  private readonly counts = new Map<string | null, AuthorCount>();

  constructor(
    private readonly older: Y.Snapshot,
    private readonly newer: Y.Snapshot,
    private readonly attribution: Attribution,
  ) {}

  /** Spans of everything inside `type` (text of nested elements flattened in order). */
  spansOf(type: Y.AbstractType<unknown>, inOlder: boolean, inNewer: boolean): DiffSpan[] {
    const spans: DiffSpan[] = [];
    for (const item of childItems(type)) {
      if (item.content instanceof Y.ContentString) {
        this.textSpans(item, item.content.str, inOlder, inNewer, spans);
      } else if (item.content instanceof Y.ContentType) {
        const old = inOlder && isVisible(item, this.older);
        const now = inNewer && isVisible(item, this.newer);
        if (!old && !now) continue;
        for (const span of this.spansOf(item.content.type as Y.AbstractType<unknown>, old, now)) this.push(spans, span);
      }
    }
    return spans;
  }

  /**
   * One text item, character by character: Yjs merges consecutive characters of one client
   * into one item, so a single item can hold text from before and after the older version,
   * and parts deleted at different times by different people.
   */
  private textSpans(item: Y.Item, str: string, inOlder: boolean, inNewer: boolean, spans: DiffSpan[]): void {
    const { client, clock } = item.id;
    for (let i = 0; i < str.length; i++) {
      const id = Y.createID(client, clock + i);
      const old = inOlder && (this.older.sv.get(client) ?? 0) > id.clock && !Y.isDeleted(this.older.ds, id);
      const now = inNewer && (this.newer.sv.get(client) ?? 0) > id.clock && !Y.isDeleted(this.newer.ds, id);
      if (!old && !now) continue;
      const kind = old && now ? "same" : now ? "ins" : "del";
      const author = kind === "del" ? this.attribution.deleterOf(id) : this.attribution.authorOf(client);
      const span: DiffSpan = { kind, text: str[i], author };
      this.count(span);
      this.push(spans, span);
    }
  }

  /** Blocks of a fragment or container, leaf text blocks only (quotes and lists flattened). */
  blocksOf(type: Y.AbstractType<unknown>, inOlder: boolean, inNewer: boolean, out: DiffBlock[]): DiffBlock[] {
    for (const item of childItems(type)) {
      if (!(item.content instanceof Y.ContentType)) continue;
      const element = item.content.type;
      const old = inOlder && isVisible(item, this.older);
      const now = inNewer && isVisible(item, this.newer);
      if (!old && !now) continue;
      if (!(element instanceof Y.XmlElement)) continue;
      if (CONTAINERS.has(element.nodeName)) {
        this.blocksOf(element as Y.AbstractType<unknown>, old, now, out);
        continue;
      }
      const spans = this.spansOf(element as Y.AbstractType<unknown>, old, now);
      const changed = spans.some((s) => s.kind !== "same");
      const status = old && now ? (changed ? "changed" : "same") : now ? "inserted" : "deleted";
      const level = element.nodeName === "heading" ? Number(element.getAttribute("level")) || 2 : undefined;
      out.push({ type: element.nodeName, ...(level ? { level } : {}), status, spans });
    }
    return out;
  }

  authors(): AuthorCount[] {
    return [...this.counts.values()].sort((a, b) => b.inserted + b.deleted - (a.inserted + a.deleted));
  }

  private count(span: DiffSpan): void {
    if (span.kind === "same") return;
    const count = this.counts.get(span.author) ?? { author: span.author, inserted: 0, deleted: 0 };
    if (span.kind === "ins") count.inserted += countable(span.text);
    else count.deleted += countable(span.text);
    this.counts.set(span.author, count);
  }

  /** Appends a span, merging it into the previous one when kind and author match. */
  private push(spans: DiffSpan[], span: DiffSpan): void {
    const last = spans[spans.length - 1];
    if (last && last.kind === span.kind && last.author === span.author) last.text += span.text;
    else spans.push({ ...span });
  }
}

/**
 * Compares two versions of a story. `newer` is a full (not garbage-collected) Yjs state that
 * contains `older`'s history (versions are prefixes of one update log), so every character of
 * either version is an item of `newer`'s document, visible in one snapshot or both.
 * `older` null compares against the empty story.
 */
export function diffVersions(newer: Uint8Array, older: Uint8Array | null, attribution: Attribution): VersionDiff {
  const doc = new Y.Doc({ gc: false });
  const olderDoc = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(doc, newer);
    if (older) Y.applyUpdate(olderDoc, older);
    const builder = new DiffBuilder(older ? Y.snapshot(olderDoc) : Y.emptySnapshot, Y.snapshot(doc), attribution);
    const title = builder.spansOf(doc.getXmlFragment("title") as Y.AbstractType<unknown>, true, true);
    const blocks = builder.blocksOf(doc.getXmlFragment("body") as Y.AbstractType<unknown>, true, true, []);
    return { title, blocks, authors: builder.authors() };
  } finally {
    doc.destroy();
    olderDoc.destroy();
  }
}

/** Characters added and removed in a diff (whitespace not counted). */
export function diffSize(diff: VersionDiff): { added: number; removed: number } {
  return diff.authors.reduce(
    (sum, a) => ({ added: sum.added + a.inserted, removed: sum.removed + a.deleted }),
    { added: 0, removed: 0 },
  );
}

/** One deleted range of a client's items and who deleted it, as stored with a version. */
export type DeletedRange = [client: number, clock: number, len: number, author: string | null];

/** Deletions in a sequence of logged updates, to find who deleted an item. */
export class DeletionIndex {
  private readonly byClient = new Map<number, { clock: number; len: number; author: string | null }[]>();
  /** Every range in the order it was added: exporting and adding it again rebuilds this index exactly. */
  private readonly added: DeletedRange[] = [];

  /** Adds one logged update's delete set, attributed to the row's sender. */
  add(update: Uint8Array, author: string | null): void {
    const { ds } = Y.decodeUpdate(update);
    for (const [client, ranges] of ds.clients) {
      for (const range of ranges) this.addRange([client, range.clock, range.len, author]);
    }
  }

  /** Adds a range exported from another index (a version's stored deletions). */
  addRange(range: DeletedRange): void {
    const [client, clock, len, author] = range;
    const list = this.byClient.get(client) ?? [];
    list.push({ clock, len, author });
    this.byClient.set(client, list);
    this.added.push(range);
    this.sorted = false;
  }

  /** The ranges in the order they were added (log order), to be stored and added again later. */
  ranges(): readonly DeletedRange[] {
    return this.added;
  }

  private sorted = true;

  /** The first logged deletion covering `id`. */
  deleterOf(id: Y.ID): string | null | undefined {
    if (!this.sorted) {
      // Stable sort keeps log order among equal clocks, so the first deleter wins.
      for (const list of this.byClient.values()) list.sort((a, b) => a.clock - b.clock);
      this.sorted = true;
    }
    const list = this.byClient.get(id.client);
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    let found: { author: string | null } | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const range = list[mid];
      if (range.clock > id.clock) hi = mid - 1;
      else {
        if (id.clock < range.clock + range.len) found = range;
        lo = mid + 1;
      }
    }
    // Ranges of one client do not overlap in practice (a deletion is logged once); when the
    // binary search lands past an older covering range, fall back to a scan.
    return found ? found.author : list.find((r) => id.clock >= r.clock && id.clock < r.clock + r.len)?.author;
  }
}
