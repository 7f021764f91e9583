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
 * Whether a search of `text` is decided by the grams alone: a text of up to three characters
 * (code points, as PostgreSQL counts them) is in a story exactly when it is among the story's
 * `search_grams` (its distinct characters, pairs and triples, migration 0017). Lower-casing
 * keeps the length (PostgreSQL maps one character to one).
 */
export function gramsAreExact(text: string): boolean {
  return Array.from(text).length <= 3;
}

/**
 * How many candidates the first LIKE check reads at least. The first check is the result
 * limit's size (a common phrase is in nearly every candidate, so that one check usually fills
 * the page); each further check reads twice as many as the one before, so a phrase in few of
 * many candidates costs a handful of round trips, not one per page.
 */
const FIRST_CHECK = 200;

/**
 * The conditions the index and the small columns decide: the GIN index
 * `articles_search_grams_idx` gives the stories holding every gram of the lower-cased search
 * (`article_search_query_grams`), then state and byline member. Lower-casing happens in the
 * database on both sides, so they agree on every character.
 */
function indexedConditions(filter: ArticleFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.q) conditions.push(sql`${articles.searchGrams} @> article_search_query_grams(lower(${filter.q}))`);
  if (filter.state) conditions.push(eq(articles.state, filter.state));
  if (filter.memberId) {
    conditions.push(
      sql`exists (select 1 from ${articleMembers} where ${articleMembers.articleId} = ${articles.id} and ${articleMembers.userId} = ${filter.memberId})`,
    );
  }
  return conditions;
}

/** The check that a candidate's text really contains the search (it holds all its grams). */
const containsSearch = (q: string): SQL => sql`${articles.searchText} like lower(${containsPattern(q)})`;

/**
 * Runs `work` with sequential scans off. The planner prices a scan of every story at the size
 * of the row table alone: the gram arrays and texts live in TOAST, which it does not count, so
 * it prefers reading 5,000 of them (seconds) to the GIN index (milliseconds). A text search
 * always has that index to use.
 */
function withoutSeqScan<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    return work(tx);
  });
}

/**
 * The ids of at most `limit` stories matching a search past three characters, newest edited
 * first: every candidate the index gives (ids only, newest first), then LIKE on the stored text
 * of the newest ones in growing batches, stopping once `limit` are found. A LIKE over every candidate
 * and a sort would read all of their texts (every story, for a phrase of common words) to
 * return the same page; this reads about one page of texts when the phrase is common, and
 * every candidate's only when fewer than `limit` match. Same stories, same order.
 */
async function newestMatchingIds(db: Db, filter: ArticleFilter & { q: string }, limit: number): Promise<string[]> {
  const candidates = (
    await db
      .select({ id: articles.id })
      .from(articles)
      .where(and(...indexedConditions(filter)))
      .orderBy(desc(articles.updatedAt), desc(articles.id))
  ).map((c) => c.id);
  const found: string[] = [];
  let next = 0;
  let size = Math.max(limit, FIRST_CHECK);
  while (next < candidates.length && found.length < limit) {
    const batch = candidates.slice(next, next + size);
    next += batch.length;
    size *= 2;
    const hits = await db
      .select({ id: articles.id })
      .from(articles)
      .where(and(inArray(articles.id, batch), containsSearch(filter.q)));
    const matched = new Set(hits.map((h) => h.id));
    found.push(...batch.filter((id) => matched.has(id)));
  }
  return found.slice(0, limit);
}

/**
 * Articles for the dashboard and `GET /api/articles`, most recently edited first, at most
 * `limit` of them, narrowed by `filter`. A search of up to three characters is answered by the
 * index in one query; a longer one by `newestMatchingIds`.
 */
export async function listArticles(
  db: Db,
  opts: { articleId?: string; filter?: ArticleFilter; limit?: number } = {},
): Promise<ArticleSummary[]> {
  const limit = opts.limit ?? 500;
  const filter = opts.filter ?? {};
  const select = (db: Db) =>
    db
      .select({ article: listedColumns, lastEditor: { id: lastEditor.id, name: lastEditor.displayName } })
      .from(articles)
      .leftJoin(lastEditor, eq(lastEditor.id, articles.lastEditedBy))
      .orderBy(desc(articles.updatedAt), desc(articles.id))
      .$dynamic();
  const q = filter.q;
  let rows: Awaited<ReturnType<ReturnType<typeof select>["execute"]>>;
  if (opts.articleId) {
    rows = await select(db).where(eq(articles.id, opts.articleId));
  } else if (!q) {
    rows = await select(db).where(and(...indexedConditions(filter))).limit(limit);
  } else if (gramsAreExact(q)) {
    rows = await withoutSeqScan(db, (tx) => select(tx).where(and(...indexedConditions(filter))).limit(limit));
  } else {
    const ids = await withoutSeqScan(db, (tx) => newestMatchingIds(tx, { ...filter, q }, limit));
    // Same order as the candidates (newest first, then id), which this query's order repeats.
    rows = ids.length === 0 ? [] : await select(db).where(inArray(articles.id, ids));
  }
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
