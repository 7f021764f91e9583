import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articles, articleUpdates, revokedSessions, users } from "../../db/schema";
import type { WriterRow } from "./writerRows";

/** Touches the article row so lists show the current title and who edited last. */
export function articleEditedSql(articleId: string, title: string, userId: string | null) {
  return sql`update ${articles} set title = ${title}, updated_at = now(),
    last_edited_by = coalesce(${userId}::uuid, last_edited_by) where id = ${articleId}`;
}

/**
 * Appends one story's rows (one per writer, `writerRows.ts`) in a single statement, keeping
 * those whose writer may still write: the account exists and is not disabled, and the socket's
 * session was not signed out (the database decides, so a change made by SQL or by another
 * process counts at once). The UPDATE of the article row takes the same row lock a transaction
 * would (workflow transitions and snapshots wait on it) and the INSERT reads from it, so no
 * row id is allocated before the lock is held. Returns each row's id, or null where refused.
 */
export async function appendRows(
  db: Db,
  articleId: string,
  title: string,
  lastUserId: string | null,
  rows: readonly Pick<WriterRow, "userId" | "sessionId" | "update">[],
): Promise<({ id: number } | null)[]> {
  const batch = sql.join(
    rows.map((row, position) => sql`(${position}::int, ${row.userId}::uuid, ${row.sessionId}::text, ${row.update}::bytea)`),
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
  const answer = (result as unknown as { rows: { kind: string; value: string | number }[] }).rows;
  const positions = answer.filter((row) => row.kind === "position").map((row) => Number(row.value)).sort((a, b) => a - b);
  const ids = answer.filter((row) => row.kind === "id").map((row) => Number(row.value)).sort((a, b) => a - b);
  const stored: ({ id: number } | null)[] = rows.map(() => null);
  // No ids at all for allowed rows: the story row is gone, nothing was stored.
  if (ids.length !== positions.length) return stored;
  positions.forEach((position, k) => (stored[position] = { id: ids[k] }));
  return stored;
}
