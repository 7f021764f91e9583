import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleRevisions, articles, users, type Article, type ArticleRevision } from "../../db/schema";

export interface PublishedStory {
  article: Article;
  revision: ArticleRevision;
  /** The editor who approved the served revision (编辑:…). */
  editorName: string | null;
}

/**
 * What `/news/:slug` serves: the published revision (never the live draft), or the article
 * alone when it was withdrawn; null when nothing was ever published at that address.
 */
export async function findPublishedStory(db: Db, slug: string): Promise<PublishedStory | { article: Article; revision: null } | null> {
  if (!/^[0-9a-z-]{1,64}$/.test(slug)) return null;
  const [article] = await db.select().from(articles).where(eq(articles.slug, slug)).limit(1);
  if (!article?.publishedRevisionId) return null;
  if (article.state === "withdrawn") return { article, revision: null };
  const [row] = await db
    .select({ revision: articleRevisions, editorName: users.displayName })
    .from(articleRevisions)
    .leftJoin(users, eq(users.id, articleRevisions.createdBy))
    .where(eq(articleRevisions.id, article.publishedRevisionId));
  if (!row) return null;
  return { article, revision: row.revision, editorName: row.editorName };
}
