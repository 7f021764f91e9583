import { asc, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articles } from "../../db/schema";
import { canEditArticle, type Actor } from "../../newsroom/permissions";
import { findArticleFacts } from "../articles/articleFacts";
import { insertClientOwners } from "./clientOwners";
import { appendToOneStory } from "./updateLog";

/**
 * The party that owns appended updates (a room). It is asked for its state when a batch is
 * taken and told when that batch is on disk.
 */
export interface CommitListener<C> {
  readonly articleId: string;
  /** Called as the batch is taken: everything applied so far is in this or an earlier batch. */
  captureCommitState(): C & { title: string };
  onCommitted(state: C, committed: CommitResult): void;
}

export interface CommitResult {
  lastUpdateId: number;
  rows: number;
  bytes: number;
  /**
   * Positions (0-based, in append order within this batch for this listener) of updates the
   * database refused because their writer may no longer write: a workflow change committed by
   * another process got there first, or the writer's session was signed out or account disabled.
   */
  refused: number[];
}

/** Who an update is from: the user it is logged as, and the rights it needs (null: the server). */
export interface UpdateAuthor {
  userId: string | null;
  actor: Actor | null;
  /** The sending socket's session: a signed-out session's updates are refused at commit. */
  sessionId: string | null;
}

interface PendingUpdate {
  listener: CommitListener<unknown>;
  userId: string | null;
  actor: Actor | null;
  sessionId: string | null;
  update: Uint8Array;
  /** Owners of Yjs client ids first seen with this update. */
  newOwners: readonly (readonly [number, string | null])[];
}

const MAX_RETRY_DELAY_MS = 5000;

/**
 * Group commit for the update log: updates appended within a few ms (from every room) go to
 * the database in one transaction, and each room hears when its part is committed. Batches
 * are strictly sequential, so "committed" for a batch implies every earlier batch too.
 *
 * Each transaction first locks its articles' rows (in id order, so two processes cannot
 * deadlock). Workflow transitions and snapshots lock the same row, so a log row id is never
 * allocated while they read, and with `verifyAccess` (several processes) every update is
 * judged again by the article's committed state: an approval on another process wins.
 */
export class GroupCommitWriter {
  private pending: PendingUpdate[] = [];
  private timer: { cancel(): void } | null = null;
  private inFlight: Promise<void> | null = null;
  private retryDelayMs = 0;

  constructor(
    private readonly db: Db,
    private readonly delayMs: number,
    private readonly verifyAccess = false,
  ) {}

  append<C>(
    listener: CommitListener<C>,
    author: UpdateAuthor,
    update: Uint8Array,
    newOwners: readonly (readonly [number, string | null])[] = [],
  ): void {
    this.pending.push({ listener: listener as CommitListener<unknown>, ...author, update, newOwners });
    this.schedule();
  }

  /** Resolves once nothing appended before (or during) the call is still uncommitted. */
  async drain(): Promise<void> {
    while (this.pending.length > 0 || this.inFlight) {
      if (this.timer) {
        this.timer.cancel();
        this.timer = null;
        this.flush();
      }
      await this.inFlight;
      if (this.pending.length > 0 && !this.inFlight && !this.timer) this.flush();
    }
  }

  private schedule(delay = this.delayMs): void {
    if (this.timer || this.inFlight) return;
    const run = () => {
      this.timer = null;
      this.flush();
    };
    // setTimeout(0) waits a whole millisecond; setImmediate only lets the I/O already read in
    // this turn finish, so updates that arrived together still share one commit.
    if (delay === 0) {
      const handle = setImmediate(run);
      this.timer = { cancel: () => clearImmediate(handle) };
    } else {
      const handle = setTimeout(run, delay);
      this.timer = { cancel: () => clearTimeout(handle) };
    }
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
    let ids: ({ id: number } | null)[];
    try {
      ids = this.fitsOneStatement(batch, captured)
        ? await this.appendInOneStatement(batch, captured, lastUserOf)
        : await this.appendInTransaction(batch, captured, lastUserOf);
    } catch (err) {
      // Keep the batch, in order, ahead of anything newer; nobody was told it was saved.
      this.pending = batch.concat(this.pending);
      this.retryDelayMs = Math.min(MAX_RETRY_DELAY_MS, Math.max(50, this.retryDelayMs * 2));
      console.error(`[collab] update log commit failed, retrying in ${this.retryDelayMs} ms:`, (err as Error).message);
      return;
    }
    this.retryDelayMs = 0;
    const perListener = new Map<CommitListener<unknown>, CommitResult & { position: number }>();
    batch.forEach((item, i) => {
      const entry = perListener.get(item.listener) ?? { lastUpdateId: 0, rows: 0, bytes: 0, refused: [], position: 0 };
      const row = ids[i];
      if (row) {
        entry.lastUpdateId = Math.max(entry.lastUpdateId, row.id);
        entry.rows += 1;
        entry.bytes += item.update.byteLength;
      } else {
        entry.refused.push(entry.position);
      }
      entry.position += 1;
      perListener.set(item.listener, entry);
    });
    for (const [listener, { position: _, ...committed }] of perListener) {
      try {
        listener.onCommitted(captured.get(listener), committed);
      } catch (err) {
        console.error("[collab] commit listener failed:", err);
      }
    }
  }

  /**
   * The common case (one story, no access re-check, no new Yjs client ids) needs no explicit
   * transaction: one statement is one round trip and commits on its own. Typing latency to the
   * other writers is the commit time, since relays wait for it.
   */
  private fitsOneStatement(batch: PendingUpdate[], captured: Map<CommitListener<unknown>, unknown>): boolean {
    return !this.verifyAccess && captured.size === 1 && batch.every((item) => item.newOwners.length === 0);
  }

  private async appendInOneStatement(
    batch: PendingUpdate[],
    captured: Map<CommitListener<unknown>, { title: string }>,
    lastUserOf: Map<CommitListener<unknown>, string | null>,
  ): Promise<({ id: number } | null)[]> {
    const [[listener, state]] = captured;
    return appendToOneStory(this.db, listener.articleId, state.title, lastUserOf.get(listener) ?? null, batch);
  }

  private async appendInTransaction(
    batch: PendingUpdate[],
    captured: Map<CommitListener<unknown>, { title: string }>,
    lastUserOf: Map<CommitListener<unknown>, string | null>,
  ): Promise<({ id: number } | null)[]> {
    return this.db.transaction(async (tx) => {
      const articleIds = [...new Set(batch.map((item) => item.listener.articleId))].sort();
      await tx
        .select({ id: articles.id })
        .from(articles)
        .where(inArray(articles.id, articleIds))
        .orderBy(asc(articles.id))
        .for("no key update");
      const allowed = await this.allowedItems(tx as unknown as Db, batch, articleIds);
      const ids: ({ id: number } | null)[] = batch.map(() => null);
      for (const [listener, state] of captured) {
        const positions = batch.flatMap((item, i) => (item.listener === listener && allowed[i] ? [i] : []));
        if (positions.length === 0) continue;
        const stored = await appendToOneStory(
          tx as unknown as Db,
          listener.articleId,
          state.title,
          lastUserOf.get(listener) ?? null,
          positions.map((i) => batch[i]),
        );
        positions.forEach((i, k) => (ids[i] = stored[k]));
      }
      for (const [i, item] of batch.entries()) {
        if (ids[i] && item.newOwners.length > 0) await insertClientOwners(tx, item.listener.articleId, item.newOwners);
      }
      return ids;
    });
  }

  /** Which updates their writers may still store, judged by the committed article rows. */
  private async allowedItems(tx: Db, batch: PendingUpdate[], articleIds: string[]): Promise<boolean[]> {
    if (!this.verifyAccess) return batch.map(() => true);
    const factsOf = new Map<string, Awaited<ReturnType<typeof findArticleFacts>>>();
    for (const id of articleIds) factsOf.set(id, await findArticleFacts(tx, id));
    return batch.map((item) => {
      if (item.actor === null) return true;
      const found = factsOf.get(item.listener.articleId);
      return found != null && canEditArticle(item.actor, found.facts);
    });
  }
}
