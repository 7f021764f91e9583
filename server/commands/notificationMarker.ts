import "server-only";
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { notifications } from "../../db/schema";

export interface NotificationMarkerProps {
  userId: string;
  /** The notifications to mark; null: all of this person's. */
  ids: number[] | null;
}

/**
 * Marks someone's notifications read: the given ids (only theirs; others' ids change nothing),
 * or all of them. Returns how many changed.
 */
export async function notificationMarker(db: Db, { userId, ids }: NotificationMarkerProps): Promise<number> {
  const mine = and(eq(notifications.userId, userId), isNull(notifications.readAt));
  const changed = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(ids ? and(mine, inArray(notifications.id, ids)) : mine)
    .returning({ id: notifications.id });
  return changed.length;
}
