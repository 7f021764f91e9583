import "server-only";
import { and, asc, count, desc, eq, gt, lte } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleUpdates } from "../../db/schema";

/** Which rows of one story's log: `after < id <= upTo` (either end open when absent). */
export interface LogRange {
  after?: number;
  upTo?: number;
}

function inRange(articleId: string, { after, upTo }: LogRange) {
  return and(
    eq(articleUpdates.articleId, articleId),
    after === undefined ? undefined : gt(articleUpdates.id, after),
    upTo === undefined ? undefined : lte(articleUpdates.id, upTo),
  );
}

/**
 * Log rows of a story in a range, oldest first: the one query every reader of the log uses
 * (loads, history, deletions, versions). Each row is one writer's updates of one commit batch.
 */
export async function logRows(db: Db, articleId: string, range: LogRange) {
  return db
    .select({ id: articleUpdates.id, userId: articleUpdates.userId, update: articleUpdates.update, createdAt: articleUpdates.createdAt })
    .from(articleUpdates)
    .where(inRange(articleId, range))
    .orderBy(asc(articleUpdates.id));
}

/** Log rows of an article with `after < id <= upTo`, oldest first. */
export function logSlice(db: Db, articleId: string, after: number, upTo: number) {
  return logRows(db, articleId, { after, upTo });
}

/** Distinct senders of the rows in `(after, upTo]`, in order of first appearance. */
export async function editorsBetween(db: Db, articleId: string, after: number, upTo: number): Promise<string[]> {
  const rows = await db
    .selectDistinct({ userId: articleUpdates.userId })
    .from(articleUpdates)
    .where(inRange(articleId, { after, upTo }));
  return rows.map((r) => r.userId).filter((id): id is string => id !== null);
}

/** The highest log row of a story (0 when it has none): one index entry, no log bytes. */
export async function lastLogRowId(db: Db, articleId: string): Promise<number> {
  const [row] = await db
    .select({ id: articleUpdates.id })
    .from(articleUpdates)
    .where(eq(articleUpdates.articleId, articleId))
    .orderBy(desc(articleUpdates.id))
    .limit(1);
  return row?.id ?? 0;
}

/** When the last log row at or before `upTo` was stored, and by whom (null: the server's own). */
export async function lastEditUpTo(db: Db, articleId: string, upTo: number): Promise<{ at: Date; userId: string | null } | undefined> {
  const [row] = await db
    .select({ at: articleUpdates.createdAt, userId: articleUpdates.userId })
    .from(articleUpdates)
    .where(and(eq(articleUpdates.articleId, articleId), lte(articleUpdates.id, upTo)))
    .orderBy(desc(articleUpdates.id))
    .limit(1);
  return row;
}

/** How many log rows a story has: the range of the time-travel slider. */
export async function logLength(db: Db, articleId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(articleUpdates).where(eq(articleUpdates.articleId, articleId));
  return Number(row?.n ?? 0);
}

/** The `index`-th log row (0-based, oldest first). */
export async function logRowAt(db: Db, articleId: string, index: number) {
  const [row] = await db
    .select({ id: articleUpdates.id, userId: articleUpdates.userId, createdAt: articleUpdates.createdAt })
    .from(articleUpdates)
    .where(eq(articleUpdates.articleId, articleId))
    .orderBy(articleUpdates.id)
    .offset(index)
    .limit(1);
  return row ?? null;
}
