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
 * The `search_grams_version` the trigger writes now (migration 0017: characters, pairs and
 * triples). A row below it still holds 0014's grams until `searchGramsBackfill.ts` reaches it.
 */
export const SEARCH_GRAMS_VERSION = 1;

/** Rows whose grams are not current; literal, so the planner matches the partial index on it. */
const staleGrams = sql`${articles.searchGramsVersion} < ${sql.raw(String(SEARCH_GRAMS_VERSION))}`;

/**
 * Set once this process saw no row below the current grams. Rows only ever become current
 * (every write rebuilds a stale row, new rows are current), so from then on a search leaves
 * the stale rows' condition out.
 */
const allGramsCurrent = new WeakSet<Db>();

/** Whether rows with old grams may be left in `db` (a look at the partial index, until it is empty). */
async function staleRowsMayBeLeft(db: Db): Promise<boolean> {
  if (allGramsCurrent.has(db)) return false;
  const [stale] = await db.select({ id: articles.id }).from(articles).where(staleGrams).limit(1);
  if (stale) return true;
  allGramsCurrent.add(db);
  return false;
}

/**
 * How many candidates the first LIKE check reads at least. The first check is the result
 * limit's size (a common phrase is in nearly every candidate, so that one check usually fills
 * the page); each further check reads twice as many as the one before, up to `LAST_CHECK`, so a
 * phrase in few of many candidates costs a handful of round trips, not one per page.
 */
const FIRST_CHECK = 200;
/** The most candidates one check reads (and returns ids of): a bounded statement and answer. */
const LAST_CHECK = 4000;

/**
 * The conditions the index and the small columns decide: the GIN index
 * `articles_search_grams_idx` gives the stories holding every gram of the lower-cased search
 * (`article_search_triple_grams`), plus, while `staleRowsLeft`, the stories whose grams are not
 * current yet (partial index `articles_search_grams_stale_idx`) holding q's characters or pairs
 * (0014's grams, `article_search_pair_grams`; LIKE confirms them), then state and byline member. Lower-casing happens in the database on both sides, so they agree on
 * every character.
 */
function indexedConditions(filter: ArticleFilter, staleRowsLeft = true): SQL[] {
  const conditions: SQL[] = [];
  if (filter.q) {
    const current = sql`${articles.searchGrams} @> article_search_triple_grams(lower(${filter.q}))`;
    // A row not rebuilt yet holds 0014's characters and pairs: those of q narrow it down.
    const stale = sql`(${staleGrams} and ${articles.searchGrams} @> article_search_pair_grams(lower(${filter.q})))`;
    conditions.push(staleRowsLeft ? sql`(${current} or ${stale})` : current);
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
 * Whether a candidate really contains `q`. The grams decide it alone when the lower-cased
 * search has at most three characters (counted by PostgreSQL, as `article_search_triple_grams`
 * does) and the row's grams are current: the candidate holds `q` itself as a gram. Otherwise
 * LIKE reads the stored text; CASE keeps it from reading the text when the grams decide.
 */
const containsSearch = (q: string): SQL => sql`case
  when char_length(lower(${q})) <= 3 and ${articles.searchGramsVersion} >= ${SEARCH_GRAMS_VERSION} then true
  else ${articles.searchText} like lower(${containsPattern(q)}) end`;

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

interface CheckedCandidate {
  id: string;
  /** `updated_at` as PostgreSQL prints it: microseconds kept, unlike a JS Date. */
  at: string;
  hit: boolean;
}

/**
 * The ids of at most `limit` stories matching a search, newest edited first: the candidates
 * the index gives are paged in SQL by (updated_at, id) descending, each page checked by
 * `containsSearch` in the same statement (only the page's rows are read), in growing pages
 * that stop once `limit` are found. Nothing is sent to the database per candidate: a page is
 * a keyset cursor and a size. A common phrase reads about one page of texts; a phrase in few
 * stories reads every candidate's, page by page. Same stories, same order as a LIKE over
 * every story.
 */
async function newestMatchingIds(db: Db, filter: ArticleFilter & { q: string }, limit: number, staleRowsLeft: boolean): Promise<string[]> {
  const found: string[] = [];
  let after: { at: string; id: string } | null = null;
  let size = Math.min(Math.max(limit, FIRST_CHECK), LAST_CHECK);
  for (;;) {
    const cursor: SQL = after
      ? sql`and (${articles.updatedAt}, ${articles.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`
      : sql``;
    // The page is chosen (and sorted) first; LIKE runs on its rows only, outside the sort.
    const result = await db.execute<{ id: string; at: string; hit: boolean }>(sql`
      select page.id, page.at, page.hit from (
        select ${articles.id} as id, ${articles.updatedAt}::text as at, ${containsSearch(filter.q)} as hit,
               ${articles.updatedAt} as sort_at
        from (
          select ${articles.id}, ${articles.updatedAt}, ${articles.searchText}, ${articles.searchGramsVersion} from ${articles}
          where ${and(...indexedConditions(filter, staleRowsLeft))} ${cursor}
          order by ${articles.updatedAt} desc, ${articles.id} desc
          limit ${size}
        ) ${articles}
      ) page
      order by page.sort_at desc, page.id desc`);
    const page = rowsOf<CheckedCandidate>(result);
    for (const row of page) if (row.hit) found.push(row.id);
    if (found.length >= limit || page.length < size) break;
    const last = page[page.length - 1];
    after = { at: last.at, id: last.id };
    size = Math.min(size * 2, LAST_CHECK);
  }
  return found.slice(0, limit);
}

/** Rows of `db.execute` on either driver (node-postgres and PGlite both answer `{ rows }`). */
function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/**
 * Articles for the dashboard and `GET /api/articles`, most recently edited first, at most
 * `limit` of them, narrowed by `filter`. A search of up to three characters in one statement
 * (the grams decide it), a longer one by `newestMatchingIds`.
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
  } else if (Array.from(q).length <= 3 && !(await staleRowsMayBeLeft(db))) {
    // Decided by the grams alone (no text read), so one statement with the check in it. The
    // length here only picks the plan: `containsSearch` decides exactness in SQL on the
    // lower-cased text, with LIKE wherever the grams cannot.
    rows = await withoutSeqScan(db, (tx) => select(tx).where(and(...indexedConditions(filter, false), containsSearch(q))).limit(limit));
  } else {
    // Past three characters, or while old rows are left (whose LIKE checks must stay bounded
    // by the page, not run on every old row before the sort).
    const staleRowsLeft = await staleRowsMayBeLeft(db);
    const ids = await withoutSeqScan(db, (tx) => newestMatchingIds(tx, { ...filter, q }, limit, staleRowsLeft));
    // Same order as the candidates (newest first, then id), which this query's order repeats;
    // the ids go as one array parameter (one bind parameter per id fails past 65,535).
    rows = ids.length === 0 ? [] : await select(db).where(sql`${articles.id} = any(${sql.param(ids)}::uuid[])`);
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
