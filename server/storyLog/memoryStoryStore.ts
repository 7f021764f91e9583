import "server-only";
import type { ArticleAccessFacts } from "../../newsroom/actor";
import { foldUpdates } from "./foldUpdates";
import type { AppendedIds, AppendOptions, ClientOwners, StoredDocument, StoryBatch, StoryStore, WrittenSnapshot } from "./storyStore";
import { writerRows } from "./writerRows";

/** A stored log row, as the in-memory store keeps it. */
export interface MemoryLogRow {
  id: number;
  articleId: string;
  userId: string | null;
  update: Uint8Array;
}

/**
 * The story log in memory, for unit tests of the room and the writer: the same contract as
 * the database (one row per story, writer and batch; refusals per writer; all or nothing),
 * without one. `refuseUsers` and `facts` stand in for disabled accounts and committed workflow
 * state; `failNext` makes the next appends reject.
 */
export class MemoryStoryStore implements StoryStore {
  readonly rows: MemoryLogRow[] = [];
  readonly snapshots: { articleId: string; upToUpdateId: number; state: Uint8Array }[] = [];
  readonly owners = new Map<string, ClientOwners>();
  /** Users whose updates the "database" refuses (a disabled account, a signed-out session). */
  readonly refuseUsers = new Set<string>();
  /** Committed workflow state per story, for the rights check at commit. */
  readonly facts = new Map<string, ArticleAccessFacts>();
  /** Appends that will reject before storing anything. */
  failNext = 0;
  /** Every append call, as it was asked (for assertions on batching). */
  readonly calls: StoryBatch[][] = [];
  private nextId = 1;

  async load(articleId: string, upTo?: number): Promise<StoredDocument> {
    const snapshot = this.snapshots
      .filter((s) => s.articleId === articleId && (upTo === undefined || s.upToUpdateId <= upTo))
      .at(-1);
    const after = snapshot?.upToUpdateId ?? 0;
    const tail = this.rows.filter((row) => row.articleId === articleId && row.id > after && (upTo === undefined || row.id <= upTo));
    const parts = [...(snapshot ? [snapshot.state] : []), ...tail.map((row) => row.update)];
    return {
      state: parts.length === 0 ? null : parts.length === 1 ? parts[0] : await foldUpdates(parts),
      lastUpdateId: tail.at(-1)?.id ?? after,
      rowsSinceSnapshot: tail.length,
      bytesSinceSnapshot: tail.reduce((sum, row) => sum + row.update.byteLength, 0),
      snapshotBytes: snapshot?.state.byteLength ?? 0,
    };
  }

  async appendBatch(stories: readonly StoryBatch[], options: AppendOptions = {}): Promise<AppendedIds> {
    this.calls.push([...stories]);
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error("the in-memory store was told to fail");
    }
    const rights = options.rightsAtCommit ?? null;
    return stories.map((story) => {
      const ids: ({ id: number } | null)[] = story.items.map(() => null);
      const facts = this.facts.get(story.articleId);
      for (const row of writerRows(story.items)) {
        if (row.userId !== null && this.refuseUsers.has(row.userId)) continue;
        if (rights && row.actor && (!facts || !rights(row.actor, facts))) continue;
        const stored = { id: this.nextId++ };
        this.rows.push({ id: stored.id, articleId: story.articleId, userId: row.userId, update: row.update });
        for (const position of row.positions) ids[position] = stored;
      }
      const owners = this.owners.get(story.articleId) ?? new Map();
      story.items.forEach((item, i) => {
        if (!ids[i]) return;
        for (const [client, userId] of item.newOwners) if (!owners.has(client)) owners.set(client, userId);
      });
      this.owners.set(story.articleId, owners);
      return ids;
    });
  }

  async snapshot(articleId: string): Promise<WrittenSnapshot | null> {
    const stored = await this.load(articleId);
    if (!stored.state || stored.rowsSinceSnapshot === 0) return null;
    this.snapshots.push({ articleId, upToUpdateId: stored.lastUpdateId, state: stored.state });
    return { upToUpdateId: stored.lastUpdateId, bytes: stored.state.byteLength };
  }

  async clientOwners(articleId: string): Promise<ClientOwners> {
    return new Map(this.owners.get(articleId) ?? []);
  }
}
