import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articles } from "../../db/schema";
import { ARTICLE_ID_PATTERN, findArticleFacts } from "../articles/articleFacts";

/**
 * Locks the story's row for the rest of transaction `tx` and reads its access facts again under
 * the lock. Transitions take the same lock, so a command that checks these facts can never act
 * on a state an approval has already left behind.
 */
export async function lockedArticleFacts(tx: Db, articleId: string): ReturnType<typeof findArticleFacts> {
  // Not an id at all: PostgreSQL would refuse the lock's query rather than find nothing.
  if (!ARTICLE_ID_PATTERN.test(articleId)) return null;
  await tx.select({ id: articles.id }).from(articles).where(eq(articles.id, articleId)).for("update");
  return findArticleFacts(tx, articleId);
}
