import "server-only";
import * as Y from "yjs";
import type { Actor } from "../../newsroom/actor";
import type { LogItem } from "./storyStore";

/** One stored row: a writer's updates of one commit batch, merged. */
export interface WriterRow {
  userId: string | null;
  sessionId: string | null;
  actor: Actor | null;
  /** `Y.mergeUpdates` of the writer's updates (the update itself when there is one). */
  update: Uint8Array;
  /** Positions (in the story's batch) of the items this row holds. */
  positions: number[];
}

/**
 * Groups one story's batch into rows: one per writer (user, session and rights), in the order
 * of each writer's first item. Every item of a row shares its fate at commit (the checks
 * depend only on these three), so a refused writer never takes another writer's updates down
 * with it, and authorship stays exact: a row has exactly one sender.
 *
 * The rows of one batch are committed together, so every load sees all of them. A colleague's
 * update reaches a client only once committed, so a row rarely builds on a later row of its
 * batch (a parked update retried after another writer's, a restore); where it does, a view
 * that stops between the two rows (time travel) shows that part only from the later row on,
 * as Yjs holds it until what it builds on is there.
 */
export function writerRows(items: readonly LogItem[]): WriterRow[] {
  const rows = new Map<string, WriterRow & { updates: Uint8Array[] }>();
  items.forEach((item, position) => {
    const key = JSON.stringify([item.userId, item.sessionId, item.actor?.id ?? null, item.actor?.role ?? null]);
    let row = rows.get(key);
    if (!row) {
      row = { userId: item.userId, sessionId: item.sessionId, actor: item.actor, update: item.update, positions: [], updates: [] };
      rows.set(key, row);
    }
    row.positions.push(position);
    row.updates.push(item.update);
  });
  return [...rows.values()].map(({ updates, ...row }) => ({ ...row, update: mergeInTree(updates) }));
}

/** Updates merged per `Y.mergeUpdates` call: its cost grows with the square of their number. */
const MERGE_FAN_IN = 16;

/**
 * `Y.mergeUpdates` of many updates, merged a few at a time, level by level: the same merged
 * update, at a cost that grows with n·log n instead of n² (a burst of thousands of one writer's
 * keystrokes in one batch would otherwise hold the event loop for seconds).
 */
export function mergeInTree(updates: readonly Uint8Array[]): Uint8Array {
  let level = updates;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let start = 0; start < level.length; start += MERGE_FAN_IN) {
      const group = level.slice(start, start + MERGE_FAN_IN);
      next.push(group.length === 1 ? group[0] : Y.mergeUpdates(group));
    }
    level = next;
  }
  return level[0];
}
