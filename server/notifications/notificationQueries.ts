import "server-only";
import { and, count, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { notifications } from "../../db/schema";

export interface NotificationView {
  id: number;
  kind: string;
  articleId: string | null;
  message: string;
  createdAt: string;
  read: boolean;
}

/** Someone's newest notifications, at most `limit`, newest first. */
export async function listNotifications(db: Db, userId: string, limit: number): Promise<NotificationView[]> {
  const rows = await db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(desc(notifications.id))
    .limit(limit);
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    articleId: row.articleId,
    message: row.message,
    createdAt: row.createdAt.toISOString(),
    read: row.readAt !== null,
  }));
}

/** How many of someone's notifications are unread (the bell's count). */
export async function unreadCount(db: Db, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return Number(row?.n ?? 0);
}
