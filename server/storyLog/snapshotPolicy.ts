import "server-only";
/**
 * When to write a snapshot: by the size of the log tail since the last one, so every open and
 * every history view reads a bounded tail however long the story's history is. A snapshot
 * costs a whole document's bytes, so one is written once the tail has grown about as large as
 * the last snapshot (keeping bytes written per byte received near 2) or long enough in rows to
 * slow a load.
 */
export interface SnapshotLimits {
  /** Log rows since the last snapshot that call for a new one (`STORY_SNAPSHOT_TAIL_ROWS`). */
  tailRows: number;
  /** Log bytes since the last snapshot that call for one, at least (`STORY_SNAPSHOT_TAIL_BYTES`). */
  tailBytes: number;
}

export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = { tailRows: 2000, tailBytes: 64 * 1024 };

/** On unload a shorter tail is worth folding in, since the room is about to go cold. */
export const SNAPSHOT_ON_UNLOAD_MIN_ROWS = 200;

export interface TailSize {
  rowsSinceSnapshot: number;
  bytesSinceSnapshot: number;
  snapshotBytes: number;
}

/** Worth a snapshot at the next quiet moment (nothing of the story waiting to be committed). */
export function shouldSnapshot(tail: TailSize, limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS): boolean {
  return (
    tail.rowsSinceSnapshot >= limits.tailRows ||
    tail.bytesSinceSnapshot >= Math.max(limits.tailBytes, tail.snapshotBytes)
  );
}

/**
 * Past twice the limits a snapshot is written even while people keep typing: a story that is
 * never quiet must not grow an unbounded tail.
 */
export function snapshotOverdue(tail: TailSize, limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS): boolean {
  return (
    tail.rowsSinceSnapshot >= 2 * limits.tailRows ||
    tail.bytesSinceSnapshot >= 2 * Math.max(limits.tailBytes, tail.snapshotBytes)
  );
}

export function shouldSnapshotOnUnload(tail: TailSize, limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS): boolean {
  return shouldSnapshot(tail, limits) || tail.rowsSinceSnapshot >= SNAPSHOT_ON_UNLOAD_MIN_ROWS;
}
