import "server-only";
import type { Actor } from "../../newsroom/actor";
import type { LogItem, NewOwners, RightsAtCommit, StoryBatch, StoryStore } from "../storyLog/storyStore";

/**
 * The party that owns appended updates (a room). Each update is appended with the state it
 * leaves the listener in; when a batch is on disk, the listener hears the state of the last
 * update of it that was stored.
 */
export interface CommitListener<C> {
  readonly articleId: string;
  /** The title the story's row should show, asked as a batch of its updates is taken. */
  currentTitle(): string;
  /**
   * A batch with some of this listener's updates is stored. `state` is what was appended with
   * the last stored update of the batch (so it never covers an update still queued), or null
   * when none of them was stored (all refused).
   */
  onCommitted(state: C | null, committed: CommitResult): void;
  /**
   * The listener's updates could not be stored after every attempt (or could not even be
   * queued): all of them not yet committed are dropped. The listener must forget them too.
   */
  onCommitFailed(err: Error): void;
}

export interface CommitResult {
  lastUpdateId: number;
  /** The listener's updates stored by this batch (each lies in one of `rows`). */
  updates: number;
  /** Log rows the listener's stored updates went into (one per writer of the batch). */
  rows: number;
  /** Bytes of the listener's stored updates (as sent; a merged row is at most this). */
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

/** How big and how persistent the writer may be (all from `server/env.ts`). */
export interface CommitLimits {
  /** Extra wait before a commit, in ms (0: the next turn of the event loop). */
  delayMs: number;
  /** Log rows per batch (client-owner rows count too): one INSERT stays far below 65,535 parameters. */
  maxRows: number;
  /** Update bytes per batch (one update bigger than this still goes, alone). */
  maxBytes: number;
  /** Updates held uncommitted, process-wide; past it an append is refused. */
  queueMaxUpdates: number;
  /** Update bytes held uncommitted, process-wide; past it an append is refused. */
  queueMaxBytes: number;
  /**
   * Updates one story may hold uncommitted: checked before the process-wide bound, so the story
   * that floods the queue is the one refused, never a colleague writing next in another story.
   */
  queueMaxUpdatesPerStory: number;
  /** Update bytes one story may hold uncommitted (as above). */
  queueMaxBytesPerStory: number;
  /**
   * How long one commit may take before it counts as failed (for backoff and attempts). On
   * PostgreSQL the log's connection gives up after the same time (`db/commitConnection.ts`:
   * lock and statement timeouts); a statement that cannot be cancelled (PGlite) is no longer
   * waited for.
   */
  commitTimeoutMs: number;
  /** Attempts at one story's batch before that story's pending updates are given up. */
  maxAttempts: number;
  /** First retry delay of a failing story, doubled per attempt up to `maxRetryDelayMs`. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
}

export const DEFAULT_COMMIT_LIMITS: CommitLimits = {
  delayMs: 0,
  maxRows: 2000,
  maxBytes: 4 * 1024 * 1024,
  queueMaxUpdates: 50_000,
  queueMaxBytes: 64 * 1024 * 1024,
  queueMaxUpdatesPerStory: 12_500,
  queueMaxBytesPerStory: 16 * 1024 * 1024,
  commitTimeoutMs: 10_000,
  maxAttempts: 8,
  retryDelayMs: 250,
  maxRetryDelayMs: 5000,
};

/** Why an append was refused: the writer already holds as much as it may. */
export class CommitQueueFull extends Error {}

/** Why a commit was given up: it took longer than `commitTimeoutMs`. */
export class CommitTimedOut extends Error {}

interface PendingUpdate extends LogItem {
  /** Appended before a drain started means that drain waits for it. */
  seq: number;
  /** The listener's state right after this update (announced once it is stored). */
  state: unknown;
}

/** One story's queue and its retry bookkeeping. */
interface StoryQueue {
  listener: CommitListener<unknown>;
  items: PendingUpdate[];
  /** Failed attempts in a row at this story's own batch. */
  failures: number;
  /** Not retried before this time (ms since epoch). */
  notBefore: number;
  /** Set after a batch it shared with other stories failed: it is tried on its own next. */
  alone: boolean;
  /** Updates and bytes of this story held (queued or in flight): its share of the queue. */
  heldUpdates: number;
  heldBytes: number;
}

interface DrainWaiter {
  /** Only this story's updates are waited for (null: every story's). */
  story: StoryQueue | null;
  upToSeq: number;
  outstanding: number;
  resolve(): void;
}

/**
 * Group commit for the update log: updates appended within a few ms (from every room) go to
 * the database together, and each room hears when its part is committed. Batches are strictly
 * sequential, so "committed" for a batch implies every earlier batch too.
 *
 * Nothing here can wedge: a batch is bounded in rows and bytes (the rest waits for the next
 * one, which starts at once); the queue is bounded (past it appends are refused); a batch of
 * several stories that fails is retried one story at a time, so one story the database keeps
 * refusing cannot hold up another; a failing story backs off and, after `maxAttempts`, its
 * updates are dropped and its listener told, while everything else keeps saving.
 */
export class GroupCommitWriter {
  /** Stories with queued updates, in the order they are served (round robin). */
  private readonly stories = new Map<CommitListener<unknown>, StoryQueue>();
  private timer: { cancel(): void; retry: boolean } | null = null;
  private inFlight: Promise<void> | null = null;
  private queuedUpdates = 0;
  private queuedBytes = 0;
  private appendedSeq = 0;
  private waiters: DrainWaiter[] = [];
  private readonly limits: CommitLimits;

  constructor(
    /** Only batches are asked of the store: loads and snapshots are the rooms' business. */
    private readonly store: Pick<StoryStore, "appendBatch">,
    limits: Partial<CommitLimits> = {},
    private readonly now: () => number = Date.now,
    /**
     * Scaled out, every writer is judged again at commit by the committed article state (an
     * approval on another process wins); null: the rooms' own checks suffice (one process).
     */
    private readonly rightsAtCommit: RightsAtCommit | null = null,
  ) {
    this.limits = { ...DEFAULT_COMMIT_LIMITS, ...limits };
  }

  /** Updates and bytes held now (queued or in flight): for figures and tests. */
  get held(): { updates: number; bytes: number } {
    return { updates: this.queuedUpdates, bytes: this.queuedBytes };
  }

  /**
   * Queues an update for the log. Throws CommitQueueFull (nothing queued) when the writer
   * already holds its limit: the caller must not keep the update as if it would be saved.
   */
  append<C>(
    listener: CommitListener<C>,
    author: UpdateAuthor,
    update: Uint8Array,
    newOwners: NewOwners,
    state: C,
  ): void {
    const { queueMaxUpdates, queueMaxBytes, queueMaxUpdatesPerStory, queueMaxBytesPerStory } = this.limits;
    const key = listener as CommitListener<unknown>;
    const existing = this.stories.get(key);
    const storyUpdates = existing?.heldUpdates ?? 0;
    const storyBytes = existing?.heldBytes ?? 0;
    // The story's own share first: whoever floods is refused before the shared bound is reached.
    if (storyUpdates + 1 > queueMaxUpdatesPerStory || storyBytes + update.byteLength > queueMaxBytesPerStory) {
      throw new CommitQueueFull(
        `story's share of the commit queue full (${storyUpdates} updates, ${storyBytes} bytes held; ` +
          `limits ${queueMaxUpdatesPerStory}, ${queueMaxBytesPerStory})`,
      );
    }
    if (this.queuedUpdates + 1 > queueMaxUpdates || this.queuedBytes + update.byteLength > queueMaxBytes) {
      throw new CommitQueueFull(
        `commit queue full (${this.queuedUpdates} updates, ${this.queuedBytes} bytes held; limits ${queueMaxUpdates}, ${queueMaxBytes})`,
      );
    }
    let story = existing;
    if (!story) {
      story = { listener: key, items: [], failures: 0, notBefore: 0, alone: false, heldUpdates: 0, heldBytes: 0 };
      this.stories.set(key, story);
    }
    story.items.push({ ...author, update, newOwners, seq: ++this.appendedSeq, state });
    story.heldUpdates += 1;
    story.heldBytes += update.byteLength;
    this.queuedUpdates += 1;
    this.queuedBytes += update.byteLength;
    this.schedule();
  }

  /**
   * Resolves once every update appended before the call is committed or given up. It waits
   * for the batches to finish (never polls), and hurries a commit that is only being delayed.
   */
  drain(): Promise<void> {
    if (this.queuedUpdates === 0) return Promise.resolve();
    this.hurry();
    return new Promise((resolve) => {
      this.waiters.push({ story: null, upToSeq: this.appendedSeq, outstanding: this.queuedUpdates, resolve });
    });
  }

  /**
   * Like `drain`, for one listener's updates only: a story being unloaded (or checkpointed)
   * waits for its own updates, never for another story the database is stuck on.
   */
  drainStory(listener: CommitListener<unknown>): Promise<void> {
    const story = this.stories.get(listener);
    if (!story || story.heldUpdates === 0) return Promise.resolve();
    this.hurry();
    return new Promise((resolve) => {
      this.waiters.push({ story, upToSeq: this.appendedSeq, outstanding: story.heldUpdates, resolve });
    });
  }

  /** A commit that is only being delayed starts now. */
  private hurry(): void {
    if (this.timer && !this.timer.retry) {
      this.timer.cancel();
      this.timer = null;
      this.flush();
    }
  }

  private schedule(): void {
    if (this.inFlight || this.stories.size === 0) return;
    if (this.timer && !this.timer.retry) return;
    const now = this.now();
    let readyAt = Infinity;
    for (const story of this.stories.values()) readyAt = Math.min(readyAt, story.notBefore);
    const retry = readyAt > now;
    if (this.timer) {
      // Waiting out a failing story's backoff must not hold up a story that is ready now.
      if (retry) return;
      this.timer.cancel();
      this.timer = null;
    }
    const delay = retry ? readyAt - now : this.limits.delayMs;
    const run = () => {
      this.timer = null;
      this.flush();
    };
    // setTimeout(0) waits a whole millisecond; setImmediate only lets the I/O already read in
    // this turn finish, so updates that arrived together still share one commit.
    if (delay === 0) {
      const handle = setImmediate(run);
      this.timer = { cancel: () => clearImmediate(handle), retry };
    } else {
      const handle = setTimeout(run, delay);
      this.timer = { cancel: () => clearTimeout(handle), retry };
    }
  }

  private flush(): void {
    if (this.inFlight) return;
    const taken = this.takeBatch();
    if (taken.length === 0) {
      this.schedule();
      return;
    }
    // commit() handles its own failures; the catch is only so a bug there can never become
    // an unhandled rejection (which ends the process).
    this.inFlight = this.commit(taken)
      .catch((err) => console.error("[collab] commit bookkeeping failed:", err))
      .finally(() => {
        this.inFlight = null;
        this.schedule();
      });
  }

  /**
   * Takes a bounded batch: stories ready to be tried, oldest first, each one's updates in
   * order from the front of its queue, until the row or byte budget is used. A story tried on
   * its own (after a shared failure) or still failing never shares a batch.
   */
  private takeBatch(): { story: StoryQueue; items: PendingUpdate[] }[] {
    const { maxRows, maxBytes } = this.limits;
    const now = this.now();
    const taken: { story: StoryQueue; items: PendingUpdate[] }[] = [];
    let rows = 0;
    let bytes = 0;
    for (const story of this.stories.values()) {
      if (story.notBefore > now) continue;
      const solitary = story.alone || story.failures > 0;
      if (solitary && taken.length > 0) continue;
      let count = 0;
      for (const item of story.items) {
        const itemRows = 1 + item.newOwners.length;
        const first = taken.length === 0 && count === 0;
        if (!first && (rows + itemRows > maxRows || bytes + item.update.byteLength > maxBytes)) break;
        rows += itemRows;
        bytes += item.update.byteLength;
        count += 1;
      }
      if (count === 0) break;
      taken.push({ story, items: story.items.splice(0, count) });
      if (solitary || rows >= maxRows || bytes >= maxBytes) break;
    }
    // Served stories go to the back, so a story with a long queue cannot starve the others.
    for (const { story } of taken) {
      this.stories.delete(story.listener);
      this.stories.set(story.listener, story);
    }
    return taken;
  }

  private async commit(taken: { story: StoryQueue; items: PendingUpdate[] }[]): Promise<void> {
    let ids: ({ id: number } | null)[][];
    try {
      const batches: StoryBatch[] = taken.map(({ story, items }) => ({
        articleId: story.listener.articleId,
        title: story.listener.currentTitle(),
        lastUserId: items.findLast((item) => item.userId !== null)?.userId ?? null,
        items,
      }));
      ids = await this.withTimeout(
        this.store.appendBatch(batches, { rightsAtCommit: this.rightsAtCommit }),
      );
    } catch (err) {
      this.failed(taken, err instanceof Error ? err : new Error(String(err)));
      return;
    }
    taken.forEach(({ story, items }, i) => {
      story.failures = 0;
      story.alone = false;
      const committed: CommitResult = { lastUpdateId: 0, updates: 0, rows: 0, bytes: 0, refused: [] };
      let state: unknown = null;
      const rowIds = new Set<number>();
      items.forEach((item, position) => {
        const row = ids[i]?.[position];
        if (row) {
          committed.lastUpdateId = Math.max(committed.lastUpdateId, row.id);
          rowIds.add(row.id);
          committed.updates += 1;
          committed.bytes += item.update.byteLength;
          state = item.state;
        } else {
          committed.refused.push(position);
        }
      });
      committed.rows = rowIds.size;
      this.settle(story, items);
      this.forgetIfEmpty(story);
      try {
        story.listener.onCommitted(state, committed);
      } catch (err) {
        console.error("[collab] commit listener failed:", err);
      }
    });
  }

  /**
   * Nobody was told "saved": the updates go back to the front of their stories' queues. A
   * shared batch is split (each story alone next time, at once); a story's own batch backs
   * off, and after `maxAttempts` its updates are given up.
   */
  private failed(taken: { story: StoryQueue; items: PendingUpdate[] }[], err: Error): void {
    for (const { story, items } of taken) story.items.unshift(...items);
    if (taken.length > 1) {
      console.error(`[collab] update log commit of ${taken.length} stories failed, trying each on its own: ${err.message}`);
      for (const { story } of taken) story.alone = true;
      return;
    }
    const [{ story }] = taken;
    const { maxAttempts, retryDelayMs, maxRetryDelayMs } = this.limits;
    story.failures += 1;
    const articleId = story.listener.articleId;
    if (story.failures >= maxAttempts) {
      const dropped = story.items;
      console.error(
        `[collab] update log commit of ${articleId} failed ${story.failures} times, giving up ${dropped.length} update(s); ` +
          `its writers reload: ${err.message}`,
      );
      story.items = [];
      this.settle(story, dropped);
      this.stories.delete(story.listener);
      try {
        story.listener.onCommitFailed(err);
      } catch (listenerErr) {
        console.error("[collab] commit listener failed:", listenerErr);
      }
      return;
    }
    const delay = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** (story.failures - 1));
    story.notBefore = this.now() + delay;
    console.error(
      `[collab] update log commit of ${articleId} failed (attempt ${story.failures} of ${maxAttempts}), ` +
        `retrying in ${delay} ms: ${err.message}`,
    );
  }

  /**
   * The store's answer, or CommitTimedOut once `commitTimeoutMs` has passed. A statement that
   * is still running then is abandoned, not cancelled (PGlite cannot cancel one; PostgreSQL has
   * given up on its own by then, on the log connection's timeouts): its outcome is only logged.
   * Should it still commit, its rows are stored again by the retry; Yjs updates apply twice
   * without harm.
   */
  private withTimeout<T>(work: Promise<T>): Promise<T> {
    const { commitTimeoutMs } = this.limits;
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const overdue = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(new CommitTimedOut(`commit took longer than ${commitTimeoutMs} ms`));
      }, commitTimeoutMs);
    });
    work.then(
      () => {
        if (timedOut) console.warn("[collab] an abandoned (overdue) commit finished after all");
      },
      () => {},
    );
    return Promise.race([work, overdue]).finally(() => clearTimeout(timer));
  }

  /** These updates are done with (stored, refused or given up): the queue and drains move on. */
  private settle(story: StoryQueue, items: readonly PendingUpdate[]): void {
    for (const item of items) {
      this.queuedUpdates -= 1;
      this.queuedBytes -= item.update.byteLength;
      story.heldUpdates -= 1;
      story.heldBytes -= item.update.byteLength;
    }
    if (this.waiters.length === 0) return;
    for (const waiter of this.waiters) {
      if (waiter.story !== null && waiter.story !== story) continue;
      for (const item of items) if (item.seq <= waiter.upToSeq) waiter.outstanding -= 1;
    }
    const done = this.waiters.filter(
      (waiter) => waiter.outstanding <= 0 || this.queuedUpdates === 0 || waiter.story?.heldUpdates === 0,
    );
    if (done.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => !done.includes(waiter));
    for (const waiter of done) waiter.resolve();
  }

  private forgetIfEmpty(story: StoryQueue): void {
    if (story.items.length === 0 && this.stories.get(story.listener) === story) this.stories.delete(story.listener);
  }
}
