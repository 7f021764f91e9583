// The group-commit writer alone (issue 10, attack 1), against an in-memory update log that can
// be made to fail or stall: batches stay bounded, the queue is bounded, one failing story never
// holds up another, retries stop, and drain() always ends.
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  CommitQueueFull,
  GroupCommitWriter,
  type CommitLimits,
  type CommitListener,
  type CommitResult,
} from "../../server/collab/groupCommit";
import type { AppendedIds, StoryBatch, StoryStore } from "../../server/storyLog/storyStore";
import { waitFor } from "../support/wait";

/** An update log in memory. `failFor` articles throw; `stall()` holds every call until released. */
class MemoryLog implements Pick<StoryStore, "appendBatch"> {
  readonly rows: { articleId: string; update: Uint8Array; owners: number }[] = [];
  readonly calls: { articleId: string; items: number; bytes: number; ownerRows: number }[][] = [];
  readonly failFor = new Set<string>();
  /** Articles whose calls never answer (a statement stuck behind a lock). */
  readonly hangFor = new Set<string>();
  /** Positions (per story in a call) the "database" refuses, as a signed-out writer's would be. */
  refuse: (articleId: string, update: Uint8Array) => boolean = () => false;
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;

  stall(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = null;
  }

  async appendBatch(stories: readonly StoryBatch[]): Promise<AppendedIds> {
    this.calls.push(
      stories.map((s) => ({
        articleId: s.articleId,
        items: s.items.length,
        bytes: s.items.reduce((sum, item) => sum + item.update.byteLength, 0),
        ownerRows: s.items.reduce((sum, item) => sum + item.newOwners.length, 0),
      })),
    );
    if (this.gate) await this.gate;
    if (stories.some((s) => this.hangFor.has(s.articleId))) await new Promise(() => {});
    await Promise.resolve();
    const failing = stories.find((s) => this.failFor.has(s.articleId));
    if (failing) throw new Error(`database refused ${failing.articleId}`);
    return stories.map((s) =>
      s.items.map((item) => {
        if (this.refuse(s.articleId, item.update)) return null;
        this.rows.push({ articleId: s.articleId, update: item.update, owners: item.newOwners.length });
        return { id: this.rows.length };
      }),
    );
  }

  storedFor(articleId: string): number[] {
    return this.rows.filter((row) => row.articleId === articleId).map((row) => row.update[0]);
  }
}

/** A room as the writer sees it: counts what it appended and what it was told. */
class StoryListener implements CommitListener<{ applied: number }> {
  applied = 0;
  readonly committed: { state: { applied: number } | null; result: CommitResult }[] = [];
  readonly failures: Error[] = [];
  constructor(readonly articleId: string) {}

  /** Throws this many times when asked for the title (a bug in the room, say). */
  titleThrows = 0;

  currentTitle(): string {
    if (this.titleThrows > 0) {
      this.titleThrows -= 1;
      throw new Error("title unavailable");
    }
    return `title of ${this.articleId}`;
  }

  onCommitted(state: { applied: number } | null, result: CommitResult): void {
    this.committed.push({ state, result });
  }

  onCommitFailed(err: Error): void {
    this.failures.push(err);
  }

  /** The highest "applied" a committed batch announced (what the room would call saved). */
  get savedUpTo(): number {
    return Math.max(0, ...this.committed.map((c) => c.state?.applied ?? 0));
  }

  rowsCommitted(): number {
    return this.committed.reduce((sum, c) => sum + c.result.rows, 0);
  }
}

const author = { userId: "u1", actor: null, sessionId: null };

/** Appends updates numbered `from`.. (first byte = number % 256), `bytes` long each. */
function appendMany(writer: GroupCommitWriter, listener: StoryListener, count: number, { from = 0, bytes = 1, owners = 0 } = {}) {
  for (let i = 0; i < count; i++) {
    const update = new Uint8Array(bytes);
    update[0] = (from + i) % 256;
    listener.applied += 1;
    const newOwners = Array.from({ length: owners }, (_, k) => [1000 * (from + i) + k, "u1"] as const);
    writer.append(listener, author, update, newOwners, { applied: listener.applied });
  }
}

const fast: Partial<CommitLimits> = { retryDelayMs: 1, maxRetryDelayMs: 4 };

/** Runs a test on vitest's fake clock (timers and Date): back-offs and timeouts pass at once. */
async function onFakeClock(test: () => Promise<void>): Promise<void> {
  vi.useFakeTimers();
  try {
    await test();
  } finally {
    vi.useRealTimers();
  }
}
// A test that times out never reaches its `finally`; unit files share their thread.
afterEach(() => {
  vi.useRealTimers();
});

/** Moves the fake clock on, timer after timer, until `promise` settles. */
async function untilSettled<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let step = 0; !settled && step < 10_000; step++) await vi.advanceTimersToNextTimerAsync();
  return promise;
}

describe("GroupCommitWriter", () => {
  it("splits a long queue into batches bounded in rows, keeps order, and says saved after every batch", async () => {
    const log = new MemoryLog();
    const writer = new GroupCommitWriter(log, { ...fast, maxRows: 3 });
    const story = new StoryListener("a");
    appendMany(writer, story, 10);
    await writer.drain();
    expect(log.calls.map((call) => call.map((s) => s.items))).toEqual([[3], [3], [3], [1]]);
    expect(log.storedFor("a")).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Every batch announces exactly what it stored (the state after its last update), so
    // "saved" keeps advancing under a queue that always spills, and never runs ahead.
    expect(story.committed.map((c) => c.state?.applied ?? null)).toEqual([3, 6, 9, 10]);
    expect(story.rowsCommitted()).toBe(10);
  });

  it("bounds batches in bytes, and a single update over the limit goes alone", async () => {
    const log = new MemoryLog();
    const writer = new GroupCommitWriter(log, { ...fast, maxBytes: 10 });
    const story = new StoryListener("a");
    appendMany(writer, story, 5, { bytes: 4 });
    appendMany(writer, story, 1, { from: 5, bytes: 25 });
    appendMany(writer, story, 1, { from: 6, bytes: 4 });
    await writer.drain();
    expect(log.calls.map((call) => call[0].bytes)).toEqual([8, 8, 4, 25, 4]);
    expect(log.storedFor("a")).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("counts new Yjs client-owner rows against the row budget", async () => {
    const log = new MemoryLog();
    const writer = new GroupCommitWriter(log, { ...fast, maxRows: 10 });
    const story = new StoryListener("a");
    appendMany(writer, story, 6, { owners: 4 });
    await writer.drain();
    for (const call of log.calls) expect(call[0].items + call[0].ownerRows).toBeLessThanOrEqual(10);
    expect(log.calls).toHaveLength(3);
    expect(log.storedFor("a")).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("refuses appends past the queue bound (updates and bytes) and accepts again once saved", async () => {
    const log = new MemoryLog();
    const writer = new GroupCommitWriter(log, { ...fast, queueMaxUpdates: 5, queueMaxBytes: 100 });
    const story = new StoryListener("a");
    log.stall();
    appendMany(writer, story, 5);
    expect(() => appendMany(writer, story, 1, { from: 5 })).toThrow(CommitQueueFull);
    expect(writer.held.updates).toBe(5);
    log.release();
    await writer.drain();
    expect(writer.held).toEqual({ updates: 0, bytes: 0 });

    log.stall();
    appendMany(writer, story, 1, { from: 10, bytes: 90 });
    expect(() => appendMany(writer, story, 1, { from: 11, bytes: 20 })).toThrow(CommitQueueFull);
    log.release();
    await writer.drain();
    appendMany(writer, story, 1, { from: 12 });
    await writer.drain();
    expect(log.storedFor("a")).toEqual([0, 1, 2, 3, 4, 10, 12]);
  });

  it("saves everything queued during a stall, in bounded batches, once the database answers", async () => {
    const log = new MemoryLog();
    const writer = new GroupCommitWriter(log, { ...fast, maxRows: 100 });
    const stories = ["a", "b", "c"].map((id) => new StoryListener(id));
    log.stall();
    for (const [k, story] of stories.entries()) appendMany(writer, story, 250, { from: k });
    log.release();
    await writer.drain();
    for (const call of log.calls) expect(call.reduce((sum, s) => sum + s.items, 0)).toBeLessThanOrEqual(100);
    for (const [k, story] of stories.entries()) {
      expect(story.rowsCommitted()).toBe(250);
      expect(story.savedUpTo).toBe(250);
      expect(log.storedFor(story.articleId)).toEqual(Array.from({ length: 250 }, (_, i) => (k + i) % 256));
    }
  });

  it("isolates a failing story: the others save at once, its retries back off and stop, then it is told", async () => {
    const log = new MemoryLog();
    const writer = new GroupCommitWriter(log, { retryDelayMs: 20, maxRetryDelayMs: 40, maxAttempts: 4 });
    const bad = new StoryListener("bad");
    const good = new StoryListener("good");
    log.failFor.add("bad");
    appendMany(writer, bad, 3);
    appendMany(writer, good, 3);
    await waitFor(() => good.rowsCommitted() === 3, { timeoutMs: 10_000, message: "good story saved" });
    // While the bad story waits out its backoff, a new edit of the good one is not held up by it.
    appendMany(writer, good, 1, { from: 3 });
    await waitFor(() => good.rowsCommitted() === 4, { timeoutMs: 10_000, message: "good story saved again" });
    expect(bad.failures).toHaveLength(0);
    await writer.drain();
    expect(bad.failures).toHaveLength(1);
    expect(bad.failures[0].message).toContain("database refused bad");
    expect(bad.committed).toHaveLength(0);
    // One shared attempt, then exactly maxAttempts of its own: nothing retries forever.
    const badAttempts = log.calls.filter((call) => call.some((s) => s.articleId === "bad"));
    expect(badAttempts.filter((call) => call.length === 1)).toHaveLength(4);
    expect(writer.held).toEqual({ updates: 0, bytes: 0 });
    expect(log.storedFor("good")).toEqual([0, 1, 2, 3]);
  });

  it("saves a story again after it was given up, once the database takes it", async () => {
    const log = new MemoryLog();
    const writer = new GroupCommitWriter(log, { ...fast, maxAttempts: 2 });
    const story = new StoryListener("a");
    log.failFor.add("a");
    appendMany(writer, story, 2);
    await writer.drain();
    expect(story.failures).toHaveLength(1);
    log.failFor.delete("a");
    appendMany(writer, story, 1, { from: 7 });
    await writer.drain();
    expect(log.storedFor("a")).toEqual([7]);
    expect(story.failures).toHaveLength(1);
  });

  it("drain waits for real progress: it ends after the last attempt, and the store is not called in a loop", () =>
    onFakeClock(async () => {
      const log = new MemoryLog();
      const writer = new GroupCommitWriter(log, { retryDelayMs: 50, maxRetryDelayMs: 100, maxAttempts: 3 });
      const bad = new StoryListener("bad");
      log.failFor.add("bad");
      appendMany(writer, bad, 5);
      await untilSettled(writer.drain());
      expect(log.calls).toHaveLength(3);
      expect(bad.failures).toHaveLength(1);
      // Nothing is left to retry: no further call happens later either.
      await vi.advanceTimersByTimeAsync(60_000);
      expect(log.calls).toHaveLength(3);
    }));

  it("passes refused positions to the listener and still announces the batch", async () => {
    const log = new MemoryLog();
    log.refuse = (_id, update) => update[0] % 2 === 1;
    const writer = new GroupCommitWriter(log, fast);
    const story = new StoryListener("a");
    appendMany(writer, story, 4);
    await writer.drain();
    expect(story.committed).toHaveLength(1);
    expect(story.committed[0].result.refused).toEqual([1, 3]);
    expect(story.committed[0].result.rows).toBe(2);
    // The state of the last stored update: a refused one is never announced as saved.
    expect(story.committed[0].state?.applied).toBe(3);
  });

  it("serves stories in turn, so one long queue cannot starve another", async () => {
    const log = new MemoryLog();
    const writer = new GroupCommitWriter(log, { ...fast, maxRows: 50 });
    const busy = new StoryListener("busy");
    const quiet = new StoryListener("quiet");
    log.stall();
    appendMany(writer, busy, 1000);
    appendMany(writer, quiet, 1);
    log.release();
    await writer.drain();
    const quietCall = log.calls.findIndex((call) => call.some((s) => s.articleId === "quiet"));
    expect(quietCall).toBeGreaterThanOrEqual(0);
    expect(quietCall).toBeLessThanOrEqual(2);
  });

  it("refuses the story that floods past its share first, so another story can still queue", async () => {
    const log = new MemoryLog();
    const writer = new GroupCommitWriter(log, {
      ...fast,
      queueMaxUpdates: 10,
      queueMaxUpdatesPerStory: 4,
      queueMaxBytesPerStory: 50,
    });
    const flood = new StoryListener("flood");
    const colleague = new StoryListener("colleague");
    log.stall();
    appendMany(writer, flood, 4);
    expect(() => appendMany(writer, flood, 1, { from: 4 })).toThrow(/story's share/);
    // Bytes too: one update that would take the story past its byte share is refused.
    const bytesFlood = new StoryListener("bytes");
    appendMany(writer, bytesFlood, 1, { bytes: 40 });
    expect(() => appendMany(writer, bytesFlood, 1, { from: 1, bytes: 20 })).toThrow(CommitQueueFull);
    // The colleague is not punished for the flood: her updates still queue and are saved.
    appendMany(writer, colleague, 4);
    log.release();
    await writer.drain();
    expect(log.storedFor("colleague")).toEqual([0, 1, 2, 3]);
    expect(log.storedFor("flood")).toEqual([0, 1, 2, 3]);
    expect(writer.held).toEqual({ updates: 0, bytes: 0 });
    // Once saved, the flooding story's share is free again.
    appendMany(writer, flood, 4, { from: 10 });
    await writer.drain();
    expect(log.storedFor("flood")).toEqual([0, 1, 2, 3, 10, 11, 12, 13]);
  });

  it("counts an overdue commit as a failed attempt: a stuck story is given up, the others save", () =>
    onFakeClock(async () => {
      const log = new MemoryLog();
      const writer = new GroupCommitWriter(log, { ...fast, commitTimeoutMs: 50, maxAttempts: 3 });
      const stuck = new StoryListener("stuck");
      const other = new StoryListener("other");
      log.hangFor.add("stuck");
      appendMany(writer, stuck, 2);
      appendMany(writer, other, 2);
      await untilSettled(writer.drain());
      expect(stuck.failures).toHaveLength(1);
      expect(stuck.failures[0].message).toContain("longer than 50 ms");
      expect(log.calls.filter((call) => call.length === 1 && call[0].articleId === "stuck")).toHaveLength(3);
      expect(log.storedFor("other")).toEqual([0, 1]);
      expect(writer.held).toEqual({ updates: 0, bytes: 0 });
      // Once the database answers again, the story saves again.
      log.hangFor.delete("stuck");
      appendMany(writer, stuck, 1, { from: 5 });
      await untilSettled(writer.drain());
      expect(log.storedFor("stuck")).toEqual([5]);
    }));

  it("drainStory waits for that story only, not for another story the database is stuck on", async () => {
    const log = new MemoryLog();
    const writer = new GroupCommitWriter(log, { commitTimeoutMs: 30, retryDelayMs: 60_000, maxRetryDelayMs: 60_000 });
    const stuck = new StoryListener("stuck");
    const other = new StoryListener("other");
    log.hangFor.add("stuck");
    appendMany(writer, stuck, 2);
    appendMany(writer, other, 3);
    let drainedAll = false;
    void writer.drain().then(() => (drainedAll = true));
    await writer.drainStory(other);
    expect(log.storedFor("other")).toEqual([0, 1, 2]);
    // The stuck story is backing off for a minute: a whole-writer drain is still waiting.
    expect(stuck.failures).toHaveLength(0);
    expect(drainedAll).toBe(false);
    await writer.drainStory(new StoryListener("never-appended"));
  });

  it("a throw while a batch is taken re-queues it: drain ends, nothing is lost, no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const log = new MemoryLog();
      const writer = new GroupCommitWriter(log, { ...fast, maxAttempts: 3 });
      const story = new StoryListener("a");
      story.titleThrows = 1;
      appendMany(writer, story, 3);
      await writer.drain();
      expect(log.storedFor("a")).toEqual([0, 1, 2]);
      expect(story.savedUpTo).toBe(3);
      expect(story.failures).toHaveLength(0);

      // Throwing every time: given up after the attempts, drain still ends.
      story.titleThrows = 100;
      appendMany(writer, story, 2, { from: 3 });
      await writer.drain();
      expect(story.failures).toHaveLength(1);
      expect(story.failures[0].message).toBe("title unavailable");
      expect(writer.held).toEqual({ updates: 0, bytes: 0 });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
