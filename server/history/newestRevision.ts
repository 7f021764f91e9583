import "server-only";
import { desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleRevisions, type ArticleRevision } from "../../db/schema";

/** The story's most recently written version (what a new one is measured against), if any. */
export async function newestRevision(
  db: Db,
  articleId: string,
): Promise<Pick<ArticleRevision, "state" | "upToUpdateId" | "contentHash"> | undefined> {
  const [latest] = await db
    .select({ state: articleRevisions.state, upToUpdateId: articleRevisions.upToUpdateId, contentHash: articleRevisions.contentHash })
    .from(articleRevisions)
    .where(eq(articleRevisions.articleId, articleId))
    .orderBy(desc(articleRevisions.id))
    .limit(1);
  return latest;
}
