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
  return [...rows.values()].map(({ updates, ...row }) => ({
    ...row,
    update: updates.length === 1 ? updates[0] : Y.mergeUpdates(updates),
  }));
}
