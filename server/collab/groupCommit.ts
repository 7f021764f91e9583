import type { Db } from "../../db/client";
import { articleUpdates } from "../../db/schema";
import { insertClientOwners } from "./clientOwners";
import { articleEditedSql } from "./updateLog";

/**
 * The party that owns appended updates (a room). It is asked for its state when a batch is
 * taken and told when that batch is on disk.
 */
export interface CommitListener<C> {
  readonly articleId: string;
  /** Called as the batch is taken: everything applied so far is in this or an earlier batch. */
  captureCommitState(): C & { title: string };
  onCommitted(state: C, committed: { lastUpdateId: number; rows: number; bytes: number }): void;
}

interface PendingUpdate {
  listener: CommitListener<unknown>;
  userId: string | null;
  update: Uint8Array;
  /** Owners of Yjs client ids first seen with this update. */
  newOwners: readonly (readonly [number, string | null])[];
}

const MAX_RETRY_DELAY_MS = 5000;

/**
 * Group commit for the update log: updates appended within a few ms (from every room) go to
 * the database in one transaction, and each room hears when its part is committed. Batches
 * are strictly sequential, so "committed" for a batch implies every earlier batch too.
 */
export class GroupCommitWriter {
  private pending: PendingUpdate[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private retryDelayMs = 0;

  constructor(
    private readonly db: Db,
    private readonly delayMs: number,
  ) {}

  append<C>(
    listener: CommitListener<C>,
    userId: string | null,
    update: Uint8Array,
    newOwners: readonly (readonly [number, string | null])[] = [],
  ): void {
    this.pending.push({ listener: listener as CommitListener<unknown>, userId, update, newOwners });
    this.schedule();
  }

  /** Resolves once nothing appended before (or during) the call is still uncommitted. */
  async drain(): Promise<void> {
    while (this.pending.length > 0 || this.inFlight) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
        this.flush();
      }
      await this.inFlight;
      if (this.pending.length > 0 && !this.inFlight && !this.timer) this.flush();
    }
  }

  private schedule(delay = this.delayMs): void {
    if (this.timer || this.inFlight) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, delay);
  }

  private flush(): void {
    if (this.inFlight || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const captured = new Map<CommitListener<unknown>, ReturnType<CommitListener<unknown>["captureCommitState"]>>();
    const lastUserOf = new Map<CommitListener<unknown>, string | null>();
    for (const item of batch) {
      if (!captured.has(item.listener)) captured.set(item.listener, item.listener.captureCommitState());
      if (item.userId) lastUserOf.set(item.listener, item.userId);
    }
    this.inFlight = this.commit(batch, captured, lastUserOf).finally(() => {
      this.inFlight = null;
      if (this.pending.length > 0) this.schedule(this.retryDelayMs);
    });
  }

  private async commit(
    batch: PendingUpdate[],
    captured: Map<CommitListener<unknown>, ReturnType<CommitListener<unknown>["captureCommitState"]>>,
    lastUserOf: Map<CommitListener<unknown>, string | null>,
  ): Promise<void> {
    let ids: { id: number }[];
    try {
      ids = await this.db.transaction(async (tx) => {
        const inserted = await tx
          .insert(articleUpdates)
          .values(batch.map((item) => ({ articleId: item.listener.articleId, userId: item.userId, update: item.update })))
          .returning({ id: articleUpdates.id });
        for (const item of batch) {
          if (item.newOwners.length > 0) await insertClientOwners(tx, item.listener.articleId, item.newOwners);
        }
        for (const [listener, state] of captured) {
          await tx.execute(articleEditedSql(listener.articleId, state.title, lastUserOf.get(listener) ?? null));
        }
        return inserted;
      });
    } catch (err) {
      // Keep the batch, in order, ahead of anything newer; nobody was told it was saved.
      this.pending = batch.concat(this.pending);
      this.retryDelayMs = Math.min(MAX_RETRY_DELAY_MS, Math.max(50, this.retryDelayMs * 2));
      console.error(`[collab] update log commit failed, retrying in ${this.retryDelayMs} ms:`, (err as Error).message);
      return;
    }
    this.retryDelayMs = 0;
    const perListener = new Map<CommitListener<unknown>, { lastUpdateId: number; rows: number; bytes: number }>();
    batch.forEach((item, i) => {
      const entry = perListener.get(item.listener) ?? { lastUpdateId: 0, rows: 0, bytes: 0 };
      entry.lastUpdateId = Math.max(entry.lastUpdateId, ids[i].id);
      entry.rows += 1;
      entry.bytes += item.update.byteLength;
      perListener.set(item.listener, entry);
    });
    for (const [listener, committed] of perListener) {
      try {
        listener.onCommitted(captured.get(listener), committed);
      } catch (err) {
        console.error("[collab] commit listener failed:", err);
      }
    }
  }
}
