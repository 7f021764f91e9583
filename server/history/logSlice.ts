import { and, asc, eq, gt, lte } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleUpdates } from "../../db/schema";

/** Log rows of an article with `after < id <= upTo`, oldest first. */
export async function logSlice(db: Db, articleId: string, after: number, upTo: number) {
  return db
    .select({ id: articleUpdates.id, userId: articleUpdates.userId, update: articleUpdates.update, createdAt: articleUpdates.createdAt })
    .from(articleUpdates)
    .where(and(eq(articleUpdates.articleId, articleId), gt(articleUpdates.id, after), lte(articleUpdates.id, upTo)))
    .orderBy(asc(articleUpdates.id));
}

/** Distinct senders of the rows in `(after, upTo]`, in order of first appearance. */
export async function editorsBetween(db: Db, articleId: string, after: number, upTo: number): Promise<string[]> {
  const rows = await db
    .selectDistinct({ userId: articleUpdates.userId })
    .from(articleUpdates)
    .where(and(eq(articleUpdates.articleId, articleId), gt(articleUpdates.id, after), lte(articleUpdates.id, upTo)));
  return rows.map((r) => r.userId).filter((id): id is string => id !== null);
}
