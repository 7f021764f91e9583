import { getDb } from "@/db/client";
import { findWorkingUser } from "@/server/auth/activeUser";
import { currentUser } from "@/server/auth/currentUser";
import { setting } from "@/server/env";
import { apiError, notSignedIn } from "@/server/http/apiErrors";
import { onNotifications } from "@/server/notifications/notificationHub";
import { unreadCount } from "@/server/notifications/notificationQueries";
import { takeStreamSlot } from "@/server/notifications/streamSlots";

export const dynamic = "force-dynamic";

/**
 * `GET /api/notifications/stream`: a server-sent stream of the bell's unread count
 * (`event: unread`, data `{"unread": N}`), sent at once, whenever this process writes the person
 * a notification or marks some read, and on a periodic re-read (NOTIFICATIONS_STREAM_POLL_MS)
 * that also catches other processes' notifications and ends the stream of a disabled account.
 * Bounded per account and per process (429).
 */
export async function GET(request: Request) {
  const user = await currentUser();
  if (!user) return notSignedIn();
  const release = takeStreamSlot(user.id, setting("NOTIFICATIONS_MAX_STREAMS_PER_USER"), setting("NOTIFICATIONS_MAX_STREAMS"));
  if (!release) return apiError("rate_limited", "打开的通知连接过多，请关闭一些标签页");
  const db = getDb();
  const encoder = new TextEncoder();
  let stop = () => {};

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let last = -1;
      let closed = false;
      let reading: Promise<void> | null = null;
      const send = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      // One read at a time: a burst of announcements becomes at most one more read.
      let again = false;
      const refresh = (): void => {
        if (reading) {
          again = true;
          return;
        }
        reading = (async () => {
          try {
            if (!(await findWorkingUser(db, user.id))) return stop();
            const unread = await unreadCount(db, user.id);
            if (unread !== last) send(`event: unread\ndata: ${JSON.stringify({ unread })}\n\n`);
            else send(": keep-alive\n\n");
            last = unread;
          } catch (err) {
            console.error("[notifications] stream read failed:", (err as Error).message);
          } finally {
            reading = null;
            if (again) {
              again = false;
              refresh();
            }
          }
        })();
      };
      const unsubscribe = onNotifications(user.id, refresh);
      const timer = setInterval(refresh, setting("NOTIFICATIONS_STREAM_POLL_MS"));
      stop = () => {
        if (closed) return;
        closed = true;
        clearInterval(timer);
        unsubscribe();
        release();
        try {
          controller.close();
        } catch {
          // Already closed by the client going away.
        }
      };
      request.signal.addEventListener("abort", () => stop());
      send("retry: 5000\n\n");
      refresh();
    },
    cancel() {
      stop();
    },
  });

  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
