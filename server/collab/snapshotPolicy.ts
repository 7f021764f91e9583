/**
 * When to write a snapshot. A snapshot costs a whole document's bytes, so one is written only
 * once the log tail has grown about as large as the last snapshot (keeping bytes written per
 * byte received near 2) or long enough in rows to slow a load.
 */
export const SNAPSHOT_MIN_TAIL_BYTES = 64 * 1024;
export const SNAPSHOT_MAX_TAIL_ROWS = 2000;
/** On unload a shorter tail is worth folding in, since the room is about to go cold. */
export const SNAPSHOT_ON_UNLOAD_MIN_ROWS = 200;

export interface TailSize {
  rowsSinceSnapshot: number;
  bytesSinceSnapshot: number;
  snapshotBytes: number;
}

export function shouldSnapshot(tail: TailSize): boolean {
  return (
    tail.rowsSinceSnapshot >= SNAPSHOT_MAX_TAIL_ROWS ||
    tail.bytesSinceSnapshot >= Math.max(SNAPSHOT_MIN_TAIL_BYTES, tail.snapshotBytes)
  );
}

export function shouldSnapshotOnUnload(tail: TailSize): boolean {
  return shouldSnapshot(tail) || tail.rowsSinceSnapshot >= SNAPSHOT_ON_UNLOAD_MIN_ROWS;
}
