import { and, asc, desc, eq, gt } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleRevisions, articleSnapshots, articleUpdates } from "../../db/schema";
import { foldUpdates } from "../collab/updateLog";

/** A story's committed state, and how many log rows it took to read it. */
export interface BoundedState {
  state: Uint8Array | null;
  lastUpdateId: number;
  /** Log rows read: the tail after the newest snapshot or version, never the whole log. */
  tailRows: number;
}

/** The highest log row of a story (0 when it has none): one index entry, no log bytes. */
export async function lastUpdateIdOf(db: Db, articleId: string): Promise<number> {
  const [row] = await db
    .select({ id: articleUpdates.id })
    .from(articleUpdates)
    .where(eq(articleUpdates.articleId, articleId))
    .orderBy(desc(articleUpdates.id))
    .limit(1);
  return row?.id ?? 0;
}

/**
 * The committed state from the newest full state stored for the story (a snapshot, or a
 * version: every checkpoint and transition stores one) plus the log rows after it. Versions
 * are written every few minutes of editing, so the tail stays short even for a story whose
 * room never grew a snapshot.
 */
export async function readBoundedState(db: Db, articleId: string): Promise<BoundedState> {
  const [snapshot] = await db
    .select({ upTo: articleSnapshots.upToUpdateId, state: articleSnapshots.state })
    .from(articleSnapshots)
    .where(eq(articleSnapshots.articleId, articleId))
    .orderBy(desc(articleSnapshots.upToUpdateId))
    .limit(1);
  const [version] = await db
    .select({ upTo: articleRevisions.upToUpdateId, state: articleRevisions.state })
    .from(articleRevisions)
    .where(eq(articleRevisions.articleId, articleId))
    .orderBy(desc(articleRevisions.upToUpdateId))
    .limit(1);
  const base = [snapshot, version].filter((b) => b !== undefined).sort((a, b) => b.upTo - a.upTo)[0];
  const after = base?.upTo ?? 0;
  const tail = await db
    .select({ id: articleUpdates.id, update: articleUpdates.update })
    .from(articleUpdates)
    .where(and(eq(articleUpdates.articleId, articleId), gt(articleUpdates.id, after)))
    .orderBy(asc(articleUpdates.id));
  const parts = [...(base ? [base.state] : []), ...tail.map((row) => row.update)];
  return {
    state: parts.length === 0 ? null : parts.length === 1 ? parts[0] : await foldUpdates(parts),
    lastUpdateId: tail.at(-1)?.id ?? after,
    tailRows: tail.length,
  };
}
