import "server-only";
import { and, asc, eq, gt, isNotNull, lte } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleRevisions } from "../../db/schema";
import { DeletionIndex, type DeletedRange } from "../../newsroom/versionDiff";
import { logSlice } from "../storyLog/logRows";

/** What a version keeps of the log rows since the version before it: who deleted what. */
export interface StoredDeletions {
  /** The log row the previous version reached; the ranges cover rows `after < id <= upTo`. */
  after: number;
  ranges: DeletedRange[];
}

function isStoredDeletions(value: unknown): value is StoredDeletions {
  const v = value as StoredDeletions | null;
  return v !== null && typeof v === "object" && typeof v.after === "number" && Array.isArray(v.ranges);
}

/** The deletions of log rows `(after, upTo]`, read from the log itself. */
export async function deletionsFromLog(db: Db, articleId: string, after: number, upTo: number): Promise<DeletionIndex> {
  const index = new DeletionIndex();
  if (upTo > after) for (const row of await logSlice(db, articleId, after, upTo)) index.add(row.update, row.userId);
  return index;
}

/**
 * Who deleted what in log rows `(from, to]`: from the deletions stored with the versions in
 * that range, and the log only where no version covers it (the tail after the newest version,
 * or versions stored before deletions were kept). Ranges are added in log order, so the index
 * is the one the log itself would give, and every deletion keeps its first deleter.
 */
export async function deletionsBetween(db: Db, articleId: string, from: number, to: number): Promise<DeletionIndex> {
  const index = new DeletionIndex();
  const versions = await db
    .select({ upTo: articleRevisions.upToUpdateId, deletions: articleRevisions.deletions })
    .from(articleRevisions)
    .where(
      and(
        eq(articleRevisions.articleId, articleId),
        gt(articleRevisions.upToUpdateId, from),
        lte(articleRevisions.upToUpdateId, to),
        isNotNull(articleRevisions.deletions),
      ),
    )
    .orderBy(asc(articleRevisions.upToUpdateId), asc(articleRevisions.id));
  const addLog = async (after: number, upTo: number) => {
    if (upTo <= after) return;
    for (const row of await logSlice(db, articleId, after, upTo)) index.add(row.update, row.userId);
  };
  let cursor = from;
  for (const version of versions) {
    const stored = version.deletions;
    if (!isStoredDeletions(stored) || stored.after < cursor || stored.after > version.upTo) continue;
    await addLog(cursor, stored.after);
    for (const range of stored.ranges) index.addRange(range);
    cursor = version.upTo;
  }
  await addLog(cursor, to);
  return index;
}
