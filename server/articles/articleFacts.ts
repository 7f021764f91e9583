import "server-only";
import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleMembers, articles, type Article } from "../../db/schema";
import { isArticleState } from "../../newsroom/articleStates";
import type { ArticleAccessFacts } from "../../newsroom/actor";

export const ARTICLE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The article row and what the permission rules need, or null when there is no such article. */
export async function findArticleFacts(
  db: Db,
  articleId: string,
): Promise<{ article: Article; facts: ArticleAccessFacts } | null> {
  if (!ARTICLE_ID_PATTERN.test(articleId)) return null;
  const [article] = await db.select().from(articles).where(eq(articles.id, articleId)).limit(1);
  if (!article) return null;
  const members = await db
    .select({ userId: articleMembers.userId })
    .from(articleMembers)
    .where(eq(articleMembers.articleId, articleId))
    .orderBy(asc(articleMembers.position));
  const state = isArticleState(article.state) ? article.state : "draft";
  return { article, facts: { state, memberIds: members.map((m) => m.userId), createdBy: article.createdBy } };
}
