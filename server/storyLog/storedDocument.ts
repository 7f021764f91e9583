import "server-only";
import { and, desc, eq, lte } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleRevisions, articles, articleSnapshots, articleUpdates } from "../../db/schema";
import { encodeStoryContent } from "../../newsroom/storyBlocks";
import { initialBodyBlocks } from "../articles/initialBody";
import { recordUpdateOwner } from "./clientOwners";
import { foldLogTail } from "./foldLogTail";
import type { StoredDocument, WrittenSnapshot } from "./storyStore";

/** A full stored state of a story and the log row it reaches. */
interface Base {
  upTo: number;
  state: Uint8Array;
}

type BaseTable = typeof articleSnapshots | typeof articleRevisions;

/**
 * The log row the newest full state in `table` at or before `upTo` (any, without it) reaches:
 * a snapshot, or a version (checkpoint, named or transition), which holds the committed state
 * exactly up to its log row (captured under the story's row lock), so it serves as a starting
 * point where snapshots were lost or never written. Only the row number: a long story's state
 * is hundreds of kilobytes, read once for the base that wins.
 */
async function newestBaseRow(db: Db, table: BaseTable, articleId: string, upTo?: number): Promise<number | undefined> {
  const [row] = await db
    .select({ upTo: table.upToUpdateId })
    .from(table as typeof articleSnapshots)
    .where(and(eq(table.articleId, articleId), upTo === undefined ? undefined : lte(table.upToUpdateId, upTo)))
    .orderBy(desc(table.upToUpdateId))
    .limit(1);
  return row?.upTo;
}

/** The newest snapshot or version at or before `upTo`, whichever reaches further. */
async function newestBase(db: Db, articleId: string, upTo?: number): Promise<Base | undefined> {
  const [snapshotUpTo, versionUpTo] = await Promise.all([
    newestBaseRow(db, articleSnapshots, articleId, upTo),
    newestBaseRow(db, articleRevisions, articleId, upTo),
  ]);
  if (snapshotUpTo === undefined && versionUpTo === undefined) return undefined;
  const table: BaseTable = versionUpTo !== undefined && (snapshotUpTo === undefined || versionUpTo > snapshotUpTo) ? articleRevisions : articleSnapshots;
  const baseUpTo = table === articleRevisions ? versionUpTo! : snapshotUpTo!;
  const [row] = await db
    .select({ state: table.state })
    .from(table as typeof articleSnapshots)
    .where(and(eq(table.articleId, articleId), eq(table.upToUpdateId, baseUpTo)))
    .limit(1);
  return row && { upTo: baseUpTo, state: row.state };
}

/**
 * Reads a base + tail: the whole stored document, or (with `upTo`) the document as it was
 * right after log row `upTo` (time travel). The base is the newest snapshot or version at or
 * before that row, so no read starts from row 0 while either exists; the tail is bounded by
 * the snapshot policy. The tail reported is the one after that base (what a snapshot would
 * fold; counting back to an older snapshot would read the rows the base spares). A story with
 * no base at all (snapshots lost) is read in packed chunks and folded as they come
 * (`foldLogTail`).
 */
export async function loadStoredDocument(db: Db, articleId: string, upTo?: number): Promise<StoredDocument> {
  const base = await newestBase(db, articleId, upTo);
  const after = base?.upTo ?? 0;
  const tail = await foldLogTail(db, articleId, base?.state ?? null, { after, upTo });
  return {
    state: tail.state,
    lastUpdateId: tail.lastId ?? after,
    rowsSinceSnapshot: tail.rows,
    bytesSinceSnapshot: tail.bytes,
    snapshotBytes: base?.state.byteLength ?? 0,
  };
}

/**
 * Folds the stored log of a story into a new snapshot. The article row is locked first: every
 * commit to the log takes a lock on it (see `appendRows.ts`), so no update with a smaller row
 * id can still be in flight from any process, and "every row up to N" is exact.
 */
export async function snapshotFromLog(db: Db, articleId: string): Promise<WrittenSnapshot | null> {
  return db.transaction(async (tx) => {
    await tx.select({ id: articles.id }).from(articles).where(eq(articles.id, articleId)).for("update");
    const stored = await loadStoredDocument(tx as unknown as Db, articleId);
    if (!stored.state || stored.rowsSinceSnapshot === 0) return null;
    await tx.insert(articleSnapshots).values({ articleId, upToUpdateId: stored.lastUpdateId, state: stored.state });
    return { upToUpdateId: stored.lastUpdateId, bytes: stored.state.byteLength };
  });
}

/**
 * Writes a new story's first content exactly once, whoever loads it first (its title, and an
 * imported story's reviewed body): the article row is
 * locked and the log checked inside one transaction, so concurrent loads (even from several
 * processes) cannot both seed.
 */
export async function seedInitialContent(db: Db, articleId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [article] = await tx
      .select({ title: articles.title, initialBody: articles.initialBody })
      .from(articles)
      .where(eq(articles.id, articleId))
      .for("update");
    if (!article) return;
    const [existing] = await tx
      .select({ id: articleUpdates.id })
      .from(articleUpdates)
      .where(eq(articleUpdates.articleId, articleId))
      .limit(1);
    if (existing) return;
    const update = encodeStoryContent({ title: article.title, body: initialBodyBlocks(article.initialBody) });
    await tx.insert(articleUpdates).values({ articleId, userId: null, update });
    await recordUpdateOwner(tx, articleId, update, null);
  });
}
