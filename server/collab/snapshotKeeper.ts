import "server-only";
import { shouldSnapshot, shouldSnapshotOnUnload, snapshotOverdue, type SnapshotLimits, type TailSize } from "../storyLog/snapshotPolicy";
import type { StoredDocument, StoryStore } from "../storyLog/storyStore";
import type { CommitResult } from "./groupCommit";

/**
 * Keeps one story's log tail bounded (a listener after each commit): counts what each batch
 * added since the last snapshot and folds the tail into a new one by its size. The snapshot is
 * built from the store, not from the room's document: with several processes the document also
 * holds other processes' updates whose rows may not be committed yet, and a snapshot must be
 * exactly "every row up to N".
 */
export class SnapshotKeeper {
  private tail: TailSize;
  private snapshotting: Promise<void> | null = null;

  constructor(
    private readonly articleId: string,
    stored: StoredDocument,
    private readonly store: Pick<StoryStore, "snapshot">,
    private readonly limits: SnapshotLimits,
  ) {
    this.tail = {
      rowsSinceSnapshot: stored.rowsSinceSnapshot,
      bytesSinceSnapshot: stored.bytesSinceSnapshot,
      snapshotBytes: stored.snapshotBytes,
    };
  }

  /** A batch is stored: the tail grew by its rows. */
  record(committed: CommitResult): void {
    this.tail.rowsSinceSnapshot += committed.rows;
    this.tail.bytesSinceSnapshot += committed.bytes;
  }

  /**
   * After a commit that stored something. Folding re-reads the tail: not in the middle of a
   * burst (`quiet`: none of the story's updates waits to be committed), unless the story never
   * pauses and the tail has grown past twice the limits.
   */
  afterCommit(quiet: boolean): void {
    if ((quiet && shouldSnapshot(this.tail, this.limits)) || snapshotOverdue(this.tail, this.limits)) void this.snapshot();
  }

  /** The room is unloading: a shorter tail is worth folding, since the story goes cold. */
  async beforeUnload(): Promise<void> {
    await this.snapshotting;
    if (shouldSnapshotOnUnload(this.tail, this.limits)) await this.snapshot();
  }

  private snapshot(): Promise<void> {
    if (this.snapshotting || this.tail.rowsSinceSnapshot === 0) return this.snapshotting ?? Promise.resolve();
    const folded = { rows: this.tail.rowsSinceSnapshot, bytes: this.tail.bytesSinceSnapshot };
    this.snapshotting = this.store
      .snapshot(this.articleId)
      .then((written) => {
        this.tail = {
          rowsSinceSnapshot: this.tail.rowsSinceSnapshot - folded.rows,
          bytesSinceSnapshot: this.tail.bytesSinceSnapshot - folded.bytes,
          snapshotBytes: written?.bytes ?? this.tail.snapshotBytes,
        };
      })
      .catch((err) => console.error(`[collab] snapshot of ${this.articleId} failed:`, (err as Error).message))
      .finally(() => {
        this.snapshotting = null;
      });
    return this.snapshotting;
  }
}
