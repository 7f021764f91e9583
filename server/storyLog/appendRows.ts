import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleClients, articles, articleUpdates, revokedSessions, users } from "../../db/schema";
import type { WriterRow } from "./writerRows";

/** When a commit also writes the story's row (the dashboard's title, time and last editor). */
export interface StoryTouch {
  title: string;
  /**
   * The row (time and last editor) is written when its `updated_at` is older than this (ms),
   * or at once when the title changes. Not when only the last editor changes: several people
   * writing one story take turns in almost every commit.
   */
  intervalMs: number;
}

/** The owner of a Yjs client id first seen in row `position`: [position, client id, user]. */
export type RowOwner = readonly [number, number, string | null];

/** One story's share of a commit. */
export interface StoryAppend {
  articleId: string;
  touch: StoryTouch;
  rows: readonly Pick<WriterRow, "userId" | "sessionId" | "update">[];
  owners: readonly RowOwner[];
}

/**
 * Values one story (article, title, interval, its number), one of its rows (position, story,
 * writer, session, bytes) and one owner (position, client id, user) bind in the statement: the
 * caller splits a batch by them (`tests/unit/appendRowsStatement.test.ts` counts them).
 */
export const BOUND_PER_STORY = 4;
export const BOUND_PER_ROW = 5;
export const BOUND_PER_OWNER = 3;

/**
 * Appends the rows of one or several stories (one row per writer and story, `writerRows.ts`) in a
 * single statement, keeping those whose writer may still write: the account exists and is not
 * disabled, and the socket's session was not signed out (the database decides, so a change made
 * by SQL or by another process counts at once). With `lockRows` (PostgreSQL, a lone story) the
 * statement first locks the article row (`for no key update`, the lock workflow transitions and
 * snapshots wait on) and the INSERT reads from it, so no row id is allocated before the lock is
 * held; several stories are locked by the caller first, in id order, so two processes cannot
 * deadlock. PGlite runs one statement or transaction at a time (its transaction mutex), so
 * nothing can read the log between a row id's allocation and its commit: no lock there. The
 * owners of new client ids are stored with the rows that brought them (a refused row's owners
 * are not). Returns, per story, each row's id, or null where refused (or the story is gone).
 *
 * A story's own row is written only when the dashboard would show something new: another
 * title, or an `updated_at` older than `touch.intervalMs` (or ahead of the database's clock), and
 * only when a row of it is stored; the last editor written with it is its last stored row's
 * writer. A version (`revisionWriter.ts`, at checkpoints and when the room unloads) brings both
 * up to the last stored edit, so a skipped touch is never stale for good.
 * Writing it on every keystroke cost more than the insert: `updated_at` is indexed (migration
 * 0017), so every such update is a new row version with entries in every index, the two search
 * GIN indexes included (about 10,000 entries for a 3,000-character story).
 *
 * One statement for every story of a batch: 500 stories each typed into once a second were
 * 500 statements one after another in one transaction (PGlite: about 1 s a batch, so seconds
 * before a keystroke was relayed).
 */
export async function appendRows(db: Db, stories: readonly StoryAppend[], lockRows: boolean): Promise<({ id: number } | null)[][]> {
  const result = stories.map((story) => story.rows.map((): { id: number } | null => null));
  // Rows are numbered across the statement; `storyOf[position]` and `rowOf[position]` map back.
  const storyOf: number[] = [];
  const rowOf: number[] = [];
  const storyValues = stories.map(
    (story, k) => sql`(${k}::int, ${story.articleId}::uuid, ${story.touch.title}::text, ${story.touch.intervalMs / 1000}::float8)`,
  );
  const rowValues: ReturnType<typeof sql>[] = [];
  const ownerValues: ReturnType<typeof sql>[] = [];
  stories.forEach((story, k) => {
    const first = storyOf.length;
    story.rows.forEach((row, r) => {
      const position = storyOf.length;
      storyOf.push(k);
      rowOf.push(r);
      rowValues.push(sql`(${position}::int, ${k}::int, ${row.userId}::uuid, ${row.sessionId}::text, ${row.update}::bytea)`);
    });
    for (const [row, clientId, userId] of story.owners) {
      ownerValues.push(sql`(${first + row}::int, ${clientId}::bigint, ${userId}::uuid)`);
    }
  });
  if (rowValues.length === 0) return result;
  // Owners of new Yjs client ids go in with the rows that brought them, and only if those are stored.
  const ownersSql =
    ownerValues.length === 0
      ? sql``
      : sql`owners (position, client_id, user_id) as (values ${sql.join(ownerValues, sql`, `)}),
    owned as (
      insert into ${articleClients} (article_id, client_id, user_id)
      select allowed.article_id, owners.client_id, owners.user_id from owners join allowed using (position)
      on conflict do nothing
    ),`;
  const answer = await db.execute(sql`with story (k, article_id, title, interval_s) as (values ${sql.join(storyValues, sql`, `)}),
    locked as materialized (
      select story.k, ${articles.id} as id from ${articles} join story on ${articles.id} = story.article_id ${lockRows ? sql`for no key update of ${articles}` : sql``}
    ),
    batch (position, k, user_id, session_id, bytes) as (values ${sql.join(rowValues, sql`, `)}),
    allowed as (
      select batch.*, locked.id as article_id from batch join locked using (k)
      where batch.user_id is null
        or (exists (select 1 from ${users} where ${users.id} = batch.user_id and not ${users.disabled})
          and not exists (select 1 from ${revokedSessions} where ${revokedSessions.sessionId} = batch.session_id))
    ),
    touched as (
      update ${articles} set title = story.title, updated_at = now(),
        last_edited_by = coalesce(
          (select user_id from allowed where allowed.k = story.k and user_id is not null order by position desc limit 1),
          last_edited_by)
      from story
      where ${articles.id} = story.article_id
        and exists (select 1 from allowed where allowed.k = story.k)
        and (${articles.title} is distinct from story.title
          or ${articles.updatedAt} < now() - make_interval(secs => story.interval_s)
          or ${articles.updatedAt} > now())
    ),
    ${ownersSql}
    appended as (
      insert into ${articleUpdates} (article_id, user_id, "update")
      select allowed.article_id, allowed.user_id, allowed.bytes from allowed
      order by allowed.position
      returning id
    )
    select 'position' as kind, position::bigint as value from allowed
    union all select 'id', id from appended`);
  const rows = (answer as unknown as { rows: { kind: string; value: string | number }[] }).rows;
  const positions = rows.filter((row) => row.kind === "position").map((row) => Number(row.value)).sort((a, b) => a - b);
  const ids = rows.filter((row) => row.kind === "id").map((row) => Number(row.value)).sort((a, b) => a - b);
  // Ids are allocated in the INSERT's order (by position): the k-th smallest id is the k-th allowed row.
  if (ids.length !== positions.length) throw new Error("the log stored a different number of rows than it allowed");
  positions.forEach((position, k) => (result[storyOf[position]][rowOf[position]] = { id: ids[k] }));
  return result;
}
