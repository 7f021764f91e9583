import "server-only";
/**
 * When a story gets an automatic checkpoint: after a pause in editing, and at most every few
 * minutes while people keep typing, so history has points to compare even without anyone
 * saving a version.
 */
export class CheckpointScheduler {
  private pauseTimer: NodeJS.Timeout | null = null;
  private firstEditSinceCheckpoint: number | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly pauseMs: number,
    private readonly maxIntervalMs: number,
    private readonly checkpoint: () => Promise<void>,
  ) {}

  /** Called after edits are committed. */
  noteEdit(now = Date.now()): void {
    this.firstEditSinceCheckpoint ??= now;
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    if (now - this.firstEditSinceCheckpoint >= this.maxIntervalMs) {
      this.run();
      return;
    }
    this.pauseTimer = setTimeout(() => this.run(), this.pauseMs);
    this.pauseTimer.unref();
  }

  /** Writes the pending checkpoint now (the room is unloading). */
  async flush(): Promise<void> {
    if (this.firstEditSinceCheckpoint !== null) this.run();
    await this.running;
  }

  stop(): void {
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
  }

  private run(): void {
    this.stop();
    this.firstEditSinceCheckpoint = null;
    this.running = this.running
      .then(this.checkpoint)
      .catch((err) => console.error("[collab] checkpoint failed:", (err as Error).message));
  }
}
