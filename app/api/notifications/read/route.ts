import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { notificationMarker } from "@/server/commands/notificationMarker";
import { announceNotifications } from "@/server/notifications/notificationHub";
import { unreadCount } from "@/server/notifications/notificationQueries";
import { markNotificationsBody } from "@/server/http/requestSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/** `POST /api/notifications/read` `{ids?}`: marks the person's notifications read (all without ids). */
export async function POST(request: Request) {
  const read = await readUnsafeRequest(request, markNotificationsBody);
  if ("error" in read) return read.error;
  const db = getDb();
  const marked = await notificationMarker(db, { userId: read.user.id, ids: read.body.ids });
  // The person's other tabs update their bell too.
  if (marked > 0) announceNotifications([read.user.id]);
  return NextResponse.json({ marked, unread: await unreadCount(db, read.user.id) });
}
