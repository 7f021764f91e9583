import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleMembers, articles, type Article } from "../../db/schema";
import { isArticleState } from "../../newsroom/articleStates";
import type { ArticleAccessFacts } from "../../newsroom/actor";

export const ARTICLE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The article row and what the permission rules need, or null when there is no such article:
 * one query, since every article route and the socket's admission ask this first (the byline
 * in order, as the policy and the page list it).
 */
export async function findArticleFacts(
  db: Db,
  articleId: string,
): Promise<{ article: Article; facts: ArticleAccessFacts } | null> {
  if (!ARTICLE_ID_PATTERN.test(articleId)) return null;
  // A fragment of its own: Drizzle writes the columns of a one-table select without their
  // table's name, and `"id"` in the subquery would then bind to a column of article_members
  // the day it had one. Inside a nested fragment they keep it.
  const byline = sql`(select json_agg(${articleMembers.userId} order by ${articleMembers.position}) from ${articleMembers} where ${articleMembers.articleId} = ${articles.id})`;
  const [found] = await db
    .select({ article: articles, memberIds: sql<string[]>`coalesce(${byline}, '[]'::json)` })
    .from(articles)
    .where(eq(articles.id, articleId))
    .limit(1);
  if (!found) return null;
  const { article, memberIds } = found;
  const state = isArticleState(article.state) ? article.state : "draft";
  return { article, facts: { state, memberIds, createdBy: article.createdBy } };
}
