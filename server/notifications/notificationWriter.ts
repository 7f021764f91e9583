import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleMembers, notifications, users } from "../../db/schema";
import { notificationMessage, type NotificationKind } from "../../newsroom/notificationKinds";

/** Who is told: the story's byline, the desk (editors and admins), or named people. */
export type Audience = "members" | "desk" | { userIds: string[] };

export interface NotificationWriterProps {
  kind: NotificationKind;
  articleId: string;
  title: string;
  /** Who caused it (never told about their own act); null for the scheduler's own work. */
  actor: { id: string; displayName: string } | null;
  audiences: Audience[];
  note?: string | null;
  /** Tell the actor as well (the scheduler acting for the editor who set it up). */
  tellActor?: boolean;
}

async function recipients(db: Db, articleId: string, audiences: Audience[]): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const audience of audiences) {
    if (audience === "members") {
      const rows = await db
        .select({ id: articleMembers.userId })
        .from(articleMembers)
        .innerJoin(users, eq(users.id, articleMembers.userId))
        .where(and(eq(articleMembers.articleId, articleId), eq(users.disabled, false)));
      for (const row of rows) ids.add(row.id);
    } else if (audience === "desk") {
      const rows = await db
        .select({ id: users.id })
        .from(users)
        .where(and(inArray(users.role, ["editor", "admin"]), eq(users.disabled, false)));
      for (const row of rows) ids.add(row.id);
    } else {
      for (const id of audience.userIds) ids.add(id);
    }
  }
  return ids;
}

/**
 * Writes the notifications one change causes. Call it with the transaction of that change, so
 * the notice exists exactly when the change does; announce the returned ids
 * (`announceNotifications`) once the transaction has committed.
 */
export async function notificationWriter(db: Db, props: NotificationWriterProps): Promise<string[]> {
  const ids = await recipients(db, props.articleId, props.audiences);
  if (props.actor && !props.tellActor) ids.delete(props.actor.id);
  if (ids.size === 0) return [];
  const message = notificationMessage(props.kind, props.actor?.displayName ?? "系统", props.title, props.note);
  const userIds = [...ids];
  await db.insert(notifications).values(
    userIds.map((userId) => ({ userId, kind: props.kind, articleId: props.articleId, actorId: props.actor?.id ?? null, message })),
  );
  return userIds;
}
