import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { currentUser } from "@/server/auth/currentUser";
import { setting } from "@/server/env";
import { notSignedIn } from "@/server/http/apiErrors";
import { listNotifications, unreadCount } from "@/server/notifications/notificationQueries";

export const dynamic = "force-dynamic";

/** `GET /api/notifications`: the signed-in person's newest notifications and unread count. */
export async function GET() {
  const user = await currentUser();
  if (!user) return notSignedIn();
  const db = getDb();
  const [notifications, unread] = await Promise.all([
    listNotifications(db, user.id, setting("NOTIFICATIONS_LIST_MAX")),
    unreadCount(db, user.id),
  ]);
  return NextResponse.json({ notifications, unread });
}
