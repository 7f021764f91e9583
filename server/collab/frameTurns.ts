import "server-only";

/** How the sockets of a process share its event loop (server/env.ts: COLLAB_FRAMES_PER_TURN, COLLAB_MAX_QUEUED_*). */
export interface FrameTurnLimits {
  /** Frames of one socket handled before every other socket with frames waiting has had its turn. */
  framesPerTurn: number;
  /** Frames one socket may have waiting for their turn; past it the socket is closed (4429). */
  maxQueuedFrames: number;
  /** Bytes of those frames. */
  maxQueuedBytes: number;
}

/** A socket has more frames waiting than it may: it is closed with 4429, the message names the setting. */
export class TooManyQueuedFrames extends Error {}

/**
 * Shares the event loop among sockets. `ws` hands us every frame of a read (up to 64 KiB) at
 * once; handled in one go, a burst of frames that are each slow to apply (thousands of new
 * Yjs client ids: an update's cost grows with the story's client count) held every other
 * socket and page request for seconds per read. Here a socket's frames are handled in order,
 * at once while it has used fewer than `framesPerTurn` since its last turn, and otherwise
 * queued: each turn (`setImmediate`, after the loop has polled I/O) handles up to
 * `framesPerTurn` of every socket with frames waiting, round robin. Ordinary traffic is
 * handled as it arrives; budgets are still charged when a frame is handled, so a burst is
 * charged within a few turns of its arrival. The queue is bounded (4429 past it).
 */
export class FrameTurns {
  private readonly waiting = new Set<FrameQueue>();
  private scheduled: NodeJS.Immediate | null = null;

  constructor(readonly limits: FrameTurnLimits) {}

  /** The queue of one socket; `handle` gets each frame in order and must not throw. */
  queueFor(handle: (frame: Uint8Array) => void): FrameQueue {
    return new FrameQueue(this, handle);
  }

  /** Stops handling (shutdown): queued frames are dropped. */
  stop(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    for (const queue of this.waiting) queue.clear();
    this.waiting.clear();
  }

  /** `queue` has frames waiting: it gets the next turn. */
  wait(queue: FrameQueue): void {
    this.waiting.add(queue);
    this.scheduled ??= setImmediate(this.turn);
  }

  forget(queue: FrameQueue): void {
    this.waiting.delete(queue);
  }

  private readonly turn = (): void => {
    this.scheduled = null;
    const queues = [...this.waiting];
    this.waiting.clear();
    for (const queue of queues) if (queue.takeTurn(this.limits.framesPerTurn)) this.waiting.add(queue);
    if (this.waiting.size > 0) this.scheduled = setImmediate(this.turn);
  };
}

/** One socket's frames waiting for their turn. */
export class FrameQueue {
  private frames: Uint8Array[] = [];
  private bytes = 0;
  /** Frames handled at once since this socket's last turn. */
  private handledAtOnce = 0;

  constructor(
    private readonly turns: FrameTurns,
    private readonly handle: (frame: Uint8Array) => void,
  ) {}

  get size(): number {
    return this.frames.length;
  }

  /** A frame arrived: handled now, or queued behind the socket's waiting frames. */
  push(frame: Uint8Array): void {
    const { framesPerTurn, maxQueuedFrames, maxQueuedBytes } = this.turns.limits;
    if (this.frames.length === 0 && this.handledAtOnce < framesPerTurn) {
      this.handledAtOnce += 1;
      this.handleSafely(frame);
      return;
    }
    if (this.frames.length >= maxQueuedFrames) throw new TooManyQueuedFrames("over COLLAB_MAX_QUEUED_FRAMES (messages waiting to be handled)");
    if (this.bytes + frame.byteLength > maxQueuedBytes) {
      throw new TooManyQueuedFrames("over COLLAB_MAX_QUEUED_FRAME_BYTES (messages waiting to be handled)");
    }
    this.frames.push(frame);
    this.bytes += frame.byteLength;
    this.turns.wait(this);
  }

  /** The socket closed: what waits is not handled. */
  clear(): void {
    this.frames = [];
    this.bytes = 0;
    this.turns.forget(this);
  }

  /**
   * The handler closes its own socket on a bad frame; should it throw all the same, the error is
   * logged here, so one socket's failure never ends a turn the other sockets are waiting in.
   */
  private handleSafely(frame: Uint8Array): void {
    try {
      this.handle(frame);
    } catch (err) {
      console.error("[collab] a frame handler failed:", (err as Error).message);
    }
  }

  /** Handles up to `count` waiting frames; true while frames still wait. */
  takeTurn(count: number): boolean {
    const batch = this.frames.splice(0, count);
    for (const frame of batch) {
      this.bytes -= frame.byteLength;
      this.handleSafely(frame);
    }
    // A socket with nothing left waiting may again have frames handled as they arrive.
    if (this.frames.length === 0) this.handledAtOnce = 0;
    return this.frames.length > 0;
  }
}
