import "server-only";
import { apiError } from "../http/apiErrors";
import { onCommentChange, takeStreamSlot } from "./commentEvents";
import { maxCommentStreamsPerUser } from "./reviewLimits";

/** How often an idle stream sends a comment line, so proxies keep it open and a dead one is noticed. */
const KEEPALIVE_MS = 25_000;

/**
 * A server-sent event stream of one story's comment changes for one user: `event: changed`
 * whenever a comment is written, edited, resolved or deleted (the page then reads the threads
 * again). Each user may hold COMMENTS_MAX_STREAMS_PER_USER at once; past it: 429. The slot is
 * given back when the browser goes away (`signal`).
 */
export function commentStreamResponse(userId: string, articleId: string, signal: AbortSignal): Response {
  const release = takeStreamSlot(userId, maxCommentStreamsPerUser());
  if (!release) return apiError("rate_limited", "打开的评论实时连接过多,请关闭一些稿件页面");
  const encoder = new TextEncoder();
  let stop = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (chunk: string) => {
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          stop();
        }
      };
      const unsubscribe = onCommentChange(articleId, () => send("event: changed\ndata: {}\n\n"));
      const keepalive = setInterval(() => send(": keepalive\n\n"), KEEPALIVE_MS);
      stop = () => {
        unsubscribe();
        clearInterval(keepalive);
        release();
        try {
          controller.close();
        } catch {
          // already closed by the other side
        }
      };
      signal.addEventListener("abort", () => stop(), { once: true });
      // The first event tells the page the stream is live, so it reads the threads once now.
      send("retry: 3000\nevent: ready\ndata: {}\n\n");
    },
    cancel() {
      stop();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
}
