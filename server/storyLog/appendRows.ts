import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleClients, articles, articleUpdates, revokedSessions, users } from "../../db/schema";
import type { WriterRow } from "./writerRows";

/** When a commit also writes the story's row (the dashboard's title, time and last editor). */
export interface StoryTouch {
  title: string;
  /** Who edited last (null: keep what is there). */
  lastUserId: string | null;
  /**
   * The row (time and last editor) is written when its `updated_at` is older than this (ms),
   * or at once when the title changes. Not when only the last editor changes: several people
   * writing one story take turns in almost every commit.
   */
  intervalMs: number;
}

/** The owner of a Yjs client id first seen in row `position`: [position, client id, user]. */
export type RowOwner = readonly [number, number, string | null];

/** One story's share of a commit, as one statement. */
export interface StoryAppend {
  articleId: string;
  touch: StoryTouch;
  rows: readonly Pick<WriterRow, "userId" | "sessionId" | "update">[];
  owners: readonly RowOwner[];
  /**
   * Lock the story's row first (PostgreSQL). PGlite runs one statement or transaction at a
   * time (its transaction mutex, held for a whole transaction), so nothing can read the log
   * between a row id's allocation and its commit, and the lock would only cost a write.
   */
  lockRow: boolean;
}

/**
 * Appends one story's rows (one per writer, `writerRows.ts`) in a single statement, keeping
 * those whose writer may still write: the account exists and is not disabled, and the socket's
 * session was not signed out (the database decides, so a change made by SQL or by another
 * process counts at once). On PostgreSQL the statement first locks the article row (`for no key
 * update`, the lock workflow transitions and snapshots wait on) and the INSERT reads from it,
 * so no row id is allocated before the lock is held. The owners of new client ids are stored
 * with the rows that brought them (a refused row's owners are not). Returns each row's id, or
 * null where refused.
 *
 * The article row itself is written only when the dashboard would show something new: another
 * title, or an `updated_at` older than `touch.intervalMs` (the last editor is written with it).
 * Writing it on every keystroke cost more than the insert: `updated_at` is indexed (migration
 * 0017), so every such update is a new row version with entries in every index, the two search
 * GIN indexes included (about 10,000 entries for a 3,000-character story).
 */
export async function appendRows(db: Db, append: StoryAppend): Promise<({ id: number } | null)[]> {
  const { articleId, touch, rows, owners, lockRow } = append;
  // Owners of new Yjs client ids go in with the rows that brought them, and only if those are stored.
  const ownersSql =
    owners.length === 0
      ? sql``
      : sql`owners (position, client_id, user_id) as (values ${sql.join(
          owners.map(([position, clientId, userId]) => sql`(${position}::int, ${clientId}::bigint, ${userId}::uuid)`),
          sql`, `,
        )}),
    owned as (
      insert into ${articleClients} (article_id, client_id, user_id)
      select locked.id, owners.client_id, owners.user_id from locked, owners
      where owners.position in (select position from allowed)
      on conflict do nothing
    ),`;
  const batch = sql.join(
    rows.map((row, position) => sql`(${position}::int, ${row.userId}::uuid, ${row.sessionId}::text, ${row.update}::bytea)`),
    sql`, `,
  );
  const { title, lastUserId, intervalMs } = touch;
  const result = await db.execute(sql`with locked as materialized (
      select ${articles.id} as id from ${articles} where ${articles.id} = ${articleId} ${lockRow ? sql`for no key update` : sql``}
    ),
    touched as (
      update ${articles} set title = ${title}, updated_at = now(), last_edited_by = coalesce(${lastUserId}::uuid, last_edited_by)
      where ${articles.id} = (select id from locked)
        and (${articles.title} is distinct from ${title}
          or ${articles.updatedAt} < now() - make_interval(secs => ${intervalMs / 1000}::float8))
    ),
    batch (position, user_id, session_id, bytes) as (values ${batch}),
    allowed as (
      select batch.* from batch
      where batch.user_id is null
        or (exists (select 1 from ${users} where ${users.id} = batch.user_id and not ${users.disabled})
          and not exists (select 1 from ${revokedSessions} where ${revokedSessions.sessionId} = batch.session_id))
    ),
    ${ownersSql}
    appended as (
      insert into ${articleUpdates} (article_id, user_id, "update")
      select locked.id, allowed.user_id, allowed.bytes from locked, allowed
      order by allowed.position
      returning id
    )
    select 'position' as kind, position::bigint as value from allowed
    union all select 'id', id from appended`);
  const answer = (result as unknown as { rows: { kind: string; value: string | number }[] }).rows;
  const positions = answer.filter((row) => row.kind === "position").map((row) => Number(row.value)).sort((a, b) => a - b);
  const ids = answer.filter((row) => row.kind === "id").map((row) => Number(row.value)).sort((a, b) => a - b);
  const stored: ({ id: number } | null)[] = rows.map(() => null);
  // No ids at all for allowed rows: the story row is gone, nothing was stored.
  if (ids.length !== positions.length) return stored;
  positions.forEach((position, k) => (stored[position] = { id: ids[k] }));
  return stored;
}
