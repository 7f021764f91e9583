import "server-only";
import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
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
  /** When the story is scheduled to publish itself (定时发布), or null. */
  publishAt: string | null;
}

const lastEditor = alias(users, "last_editor");

/**
 * The article columns a list shows, and only those: not the story's text, search columns or an
 * imported body (search reads those in the database; a list of 500 must not carry them).
 */
const listedColumns = {
  id: articles.id,
  title: articles.title,
  state: articles.state,
  createdAt: articles.createdAt,
  updatedAt: articles.updatedAt,
  changesNote: articles.changesNote,
  slug: articles.slug,
  publishedAt: articles.publishedAt,
  publishAt: articles.publishAt,
};

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

/** What a list may be narrowed to (the dashboard's search box and filters). */
export interface ArticleFilter {
  /** Text the title or the stored text contains (any characters, matched literally). */
  q?: string;
  state?: ArticleState;
  /** Only stories with this person on the byline. */
  memberId?: string;
}

/** `text` as a LIKE pattern matching itself anywhere: `%`, `_` and `\` lose their meaning. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Whether a search of `text` is decided by its character pairs alone: a text of one or two
 * characters (code points, as PostgreSQL counts them) is in a story exactly when its one
 * character or its one pair is among the story's `search_grams`.
 */
export function gramsAreExact(text: string): boolean {
  return Array.from(text).length <= 2;
}

/**
 * The conditions of a filter. The text condition asks the GIN index `articles_search_grams_idx`
 * for stories holding every character pair of the lower-cased search (migration 0014), then,
 * for a search longer than two characters, checks the candidates with LIKE on `search_text`:
 * the same stories a LIKE over every story would find, without reading every story.
 * Lower-casing happens in the database on both sides, so they agree on every character.
 */
function filterConditions(filter: ArticleFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.q) {
    conditions.push(sql`${articles.searchGrams} @> article_search_query_grams(lower(${filter.q}))`);
    if (!gramsAreExact(filter.q)) conditions.push(sql`${articles.searchText} like lower(${containsPattern(filter.q)})`);
  }
  if (filter.state) conditions.push(eq(articles.state, filter.state));
  if (filter.memberId) {
    conditions.push(
      sql`exists (select 1 from ${articleMembers} where ${articleMembers.articleId} = ${articles.id} and ${articleMembers.userId} = ${filter.memberId})`,
    );
  }
  return conditions;
}

/**
 * Articles for the dashboard and `GET /api/articles`, most recently edited first, at most
 * `limit` of them, narrowed by `filter`.
 */
export async function listArticles(
  db: Db,
  opts: { articleId?: string; filter?: ArticleFilter; limit?: number } = {},
): Promise<ArticleSummary[]> {
  const select = (db: Db) =>
    db
      .select({ article: listedColumns, lastEditor: { id: lastEditor.id, name: lastEditor.displayName } })
      .from(articles)
      .leftJoin(lastEditor, eq(lastEditor.id, articles.lastEditedBy))
      .orderBy(desc(articles.updatedAt))
      .$dynamic();
  const filtered = (db: Db) => select(db).where(and(...filterConditions(opts.filter ?? {}))).limit(opts.limit ?? 500);
  const rows = opts.articleId
    ? await select(db).where(eq(articles.id, opts.articleId))
    : opts.filter?.q
      ? await db.transaction(async (tx) => {
          // The planner prices a scan of every story at the size of the row table alone: the
          // gram arrays and texts live in TOAST, which it does not count, so it prefers
          // reading 5,000 of them (seconds) to the GIN index (milliseconds). A text search
          // always has that index to use; this transaction is told not to scan.
          await tx.execute(sql`set local enable_seqscan = off`);
          return filtered(tx);
        })
      : await filtered(db);
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
    publishAt: article.publishAt?.toISOString() ?? null,
  }));
}

/** One article's summary, or null. */
export async function getArticleSummary(db: Db, articleId: string): Promise<ArticleSummary | null> {
  const [summary] = await listArticles(db, { articleId });
  return summary ?? null;
}
