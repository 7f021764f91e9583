import { asc, desc, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "../../db/client";
import { articleMembers, articles, users } from "../../db/schema";
import type { ArticleState } from "../../newsroom/articleStates";

export interface BylineEntry {
  userId: string;
  username: string;
  name: string;
  label: string;
}

export interface ArticleSummary {
  id: string;
  title: string;
  state: ArticleState;
  byline: BylineEntry[];
  createdAt: string;
  updatedAt: string;
  lastEditedBy: { id: string; name: string } | null;
  /** The editor's note with the last "request changes" (shown until resubmitted). */
  changesNote: string | null;
  slug: string | null;
  publishedAt: string | null;
}

const lastEditor = alias(users, "last_editor");

/** Bylines of several articles (article id → people in byline order). */
export async function bylines(db: Db, articleIds: string[]): Promise<Map<string, BylineEntry[]>> {
  const byArticle = new Map<string, BylineEntry[]>();
  if (articleIds.length === 0) return byArticle;
  const rows = await db
    .select({
      articleId: articleMembers.articleId,
      userId: users.id,
      username: users.username,
      name: users.displayName,
      label: articleMembers.label,
    })
    .from(articleMembers)
    .innerJoin(users, eq(users.id, articleMembers.userId))
    .where(inArray(articleMembers.articleId, articleIds))
    .orderBy(asc(articleMembers.position));
  for (const { articleId, ...entry } of rows) {
    const list = byArticle.get(articleId) ?? [];
    list.push(entry);
    byArticle.set(articleId, list);
  }
  return byArticle;
}

/** Articles for the dashboard and `GET /api/articles`, most recently edited first. */
export async function listArticles(db: Db, opts: { articleId?: string } = {}): Promise<ArticleSummary[]> {
  const query = db
    .select({ article: articles, lastEditor: { id: lastEditor.id, name: lastEditor.displayName } })
    .from(articles)
    .leftJoin(lastEditor, eq(lastEditor.id, articles.lastEditedBy))
    .orderBy(desc(articles.updatedAt))
    .$dynamic();
  const rows = await (opts.articleId ? query.where(eq(articles.id, opts.articleId)) : query.limit(500));
  const byArticle = await bylines(
    db,
    rows.map((r) => r.article.id),
  );
  return rows.map(({ article, lastEditor }) => ({
    id: article.id,
    title: article.title,
    state: article.state as ArticleState,
    byline: byArticle.get(article.id) ?? [],
    createdAt: article.createdAt.toISOString(),
    updatedAt: article.updatedAt.toISOString(),
    lastEditedBy: lastEditor?.id ? { id: lastEditor.id, name: lastEditor.name } : null,
    changesNote: article.changesNote,
    slug: article.state === "published" ? article.slug : null,
    publishedAt: article.publishedAt?.toISOString() ?? null,
  }));
}

/** One article's summary, or null. */
export async function getArticleSummary(db: Db, articleId: string): Promise<ArticleSummary | null> {
  const [summary] = await listArticles(db, { articleId });
  return summary ?? null;
}
