import { and, asc, desc, eq, gt, lte, sql } from "drizzle-orm";
import * as Y from "yjs";
import type { Db } from "../../db/client";
import { articles, articleSnapshots, articleUpdates, revokedSessions, users } from "../../db/schema";
import { encodeStoryContent } from "../../newsroom/storyBlocks";
import { initialBodyBlocks } from "../articles/initialBody";
import { recordUpdateOwner } from "./clientOwners";

/** What a room loads from: the newest snapshot merged with every log row after it. */
export interface StoredDocument {
  /** Merged Yjs update of the whole stored state, or null when nothing is stored. */
  state: Uint8Array | null;
  /** Highest log row id included (0 when the log is empty). */
  lastUpdateId: number;
  rowsSinceSnapshot: number;
  bytesSinceSnapshot: number;
  snapshotBytes: number;
}

/**
 * Reads snapshot + tail: the whole stored document, or (with `upTo`) the document as it was
 * right after log row `upTo` (time travel). Cost is bounded by the snapshot policy, not by the
 * length of history.
 */
export async function loadStoredDocument(db: Db, articleId: string, upTo?: number): Promise<StoredDocument> {
  const [snapshot] = await db
    .select({ upToUpdateId: articleSnapshots.upToUpdateId, state: articleSnapshots.state })
    .from(articleSnapshots)
    .where(
      and(
        eq(articleSnapshots.articleId, articleId),
        upTo === undefined ? undefined : lte(articleSnapshots.upToUpdateId, upTo),
      ),
    )
    .orderBy(desc(articleSnapshots.upToUpdateId))
    .limit(1);
  const after = snapshot?.upToUpdateId ?? 0;
  const tail = await db
    .select({ id: articleUpdates.id, update: articleUpdates.update })
    .from(articleUpdates)
    .where(
      and(
        eq(articleUpdates.articleId, articleId),
        gt(articleUpdates.id, after),
        upTo === undefined ? undefined : lte(articleUpdates.id, upTo),
      ),
    )
    .orderBy(asc(articleUpdates.id));
  const parts = [...(snapshot ? [snapshot.state] : []), ...tail.map((row) => row.update)];
  return {
    state: parts.length === 0 ? null : parts.length === 1 ? parts[0] : await foldUpdates(parts),
    lastUpdateId: tail.length > 0 ? tail[tail.length - 1].id : after,
    rowsSinceSnapshot: tail.length,
    bytesSinceSnapshot: tail.reduce((sum, row) => sum + row.update.byteLength, 0),
    snapshotBytes: snapshot?.state.byteLength ?? 0,
  };
}

/** Rows applied per Yjs transaction before the event loop gets a turn. */
const FOLD_CHUNK = 2000;

/**
 * Merges log rows into one update by applying them to a document. Y.mergeUpdates costs grow
 * with the square of the row count (a long unsnapshotted log froze the server for minutes);
 * applying is linear, and yielding between chunks keeps other stories responsive meanwhile.
 */
export async function foldUpdates(parts: readonly Uint8Array[]): Promise<Uint8Array> {
  const doc = new Y.Doc({ gc: false });
  for (let start = 0; start < parts.length; start += FOLD_CHUNK) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    doc.transact(() => {
      for (const part of parts.slice(start, start + FOLD_CHUNK)) Y.applyUpdate(doc, part);
    });
  }
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

/**
 * Folds the stored log of a story into a new snapshot. The article row is locked first: every
 * commit to the log takes a share lock on it (see GroupCommitWriter), so no update with a
 * smaller row id can still be in flight from any process, and "every row up to N" is exact.
 */
export async function snapshotFromLog(db: Db, articleId: string): Promise<{ upToUpdateId: number; bytes: number } | null> {
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

/** Touches the article row so lists show the current title and who edited last. */
export function articleEditedSql(articleId: string, title: string, userId: string | null) {
  return sql`update ${articles} set title = ${title}, updated_at = now(),
    last_edited_by = coalesce(${userId}::uuid, last_edited_by) where id = ${articleId}`;
}

/**
 * Appends log rows to one story in a single statement, keeping those whose writer may still
 * write: the account exists and is not disabled, and the socket's session was not signed out
 * (the database decides, so a change made by SQL or by another process counts at once).
 * The UPDATE of the article row takes the same row lock a transaction would (workflow
 * transitions and snapshots wait on it) and the INSERT reads from it, so no row id is
 * allocated before the lock is held. Returns each item's row id, or null where refused.
 */
export async function appendToOneStory(
  db: Db,
  articleId: string,
  title: string,
  lastUserId: string | null,
  items: readonly { userId: string | null; sessionId: string | null; update: Uint8Array }[],
): Promise<({ id: number } | null)[]> {
  const batch = sql.join(
    items.map(
      (item, position) => sql`(${position}::int, ${item.userId}::uuid, ${item.sessionId}::text, ${item.update}::bytea)`,
    ),
    sql`, `,
  );
  const result = await db.execute(sql`with locked as (${articleEditedSql(articleId, title, lastUserId)} returning id),
    batch (position, user_id, session_id, bytes) as (values ${batch}),
    allowed as (
      select batch.* from batch
      where batch.user_id is null
        or (exists (select 1 from ${users} where ${users.id} = batch.user_id and not ${users.disabled})
          and not exists (select 1 from ${revokedSessions} where ${revokedSessions.sessionId} = batch.session_id))
    ),
    appended as (
      insert into ${articleUpdates} (article_id, user_id, "update")
      select locked.id, allowed.user_id, allowed.bytes from locked, allowed
      order by allowed.position
      returning id
    )
    select 'position' as kind, position::bigint as value from allowed
    union all select 'id', id from appended`);
  const rows = (result as unknown as { rows: { kind: string; value: string | number }[] }).rows;
  const positions = rows.filter((row) => row.kind === "position").map((row) => Number(row.value)).sort((a, b) => a - b);
  const ids = rows.filter((row) => row.kind === "id").map((row) => Number(row.value)).sort((a, b) => a - b);
  const stored: ({ id: number } | null)[] = items.map(() => null);
  // No ids at all for allowed items: the story row is gone, nothing was stored.
  if (ids.length !== positions.length) return stored;
  positions.forEach((position, k) => (stored[position] = { id: ids[k] }));
  return stored;
}
