import "server-only";
import { apiError } from "../http/apiErrors";
import { onCommentChange, onReviewChange, onSessionEnded, takeStreamSlot } from "./commentEvents";
import { maxCommentStreamsPerUser } from "./reviewLimits";
import type { StreamHolder } from "./streamAccess";

/** How often an idle stream sends a comment line (so proxies keep it open) and re-checks access. */
const KEEPALIVE_MS = 25_000;

/** What the stream needs besides who holds it. */
export interface CommentStreamOptions {
  /** The browser went away: the stream ends and its slot is given back. */
  signal: AbortSignal;
  /**
   * Whether the holder may still hear this story (session live, account enabled, still allowed
   * to comment): asked before every event and at every keepalive; false closes the stream.
   */
  stillAllowed: () => Promise<boolean>;
}

/**
 * A server-sent event stream of one story's review events for one user: `event: changed`
 * whenever a comment is written, edited, resolved or deleted, `event: review` whenever a level
 * is signed, a check let through or the state changes (the page then reads that part again,
 * through the routes that check its rights). Each user may hold COMMENTS_MAX_STREAMS_PER_USER
 * at once; past it: 429. The slot is given back when the browser goes away (`signal`).
 *
 * Access is asked again while the stream is open: before each event is sent and at every
 * keepalive, so someone taken off the byline, disabled or signed out elsewhere stops hearing
 * the story (the stream closes; the browser's reconnect is then refused). Signing out closes
 * it at once (the session-ended event).
 */
export function commentStreamResponse(holder: StreamHolder, options: CommentStreamOptions): Response {
  const release = takeStreamSlot(holder.userId, maxCommentStreamsPerUser());
  if (!release) return apiError("rate_limited", "打开的评论实时连接过多，请关闭一些稿件页面");
  const encoder = new TextEncoder();
  let stop = () => {};
  let stopped = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (chunk: string) => {
        if (stopped) return;
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          stop();
        }
      };
      // Events waiting for the access check; at most one of each kind (they only say "look again").
      const waiting = new Set<"changed" | "review" | "keepalive">();
      let checking = false;
      const drain = async () => {
        if (checking) return;
        checking = true;
        try {
          while (waiting.size > 0 && !stopped) {
            const batch = [...waiting];
            waiting.clear();
            let allowed: boolean;
            try {
              allowed = await options.stillAllowed();
            } catch (err) {
              // The database is away: keep the stream (the pages' reads check rights anyway); ask again next time.
              console.warn("[comments] could not re-check a stream's access:", (err as Error).message);
              allowed = true;
            }
            if (!allowed) return stop();
            for (const name of batch) send(name === "keepalive" ? ": keepalive\n\n" : `event: ${name}\ndata: {}\n\n`);
          }
        } finally {
          checking = false;
        }
      };
      const queue = (name: "changed" | "review" | "keepalive") => {
        waiting.add(name);
        void drain();
      };
      const unsubscribers = [
        onCommentChange(holder.articleId, () => queue("changed")),
        onReviewChange(holder.articleId, () => queue("review")),
        ...(holder.sessionId !== undefined ? [onSessionEnded(holder.sessionId, () => stop())] : []),
      ];
      const keepalive = setInterval(() => queue("keepalive"), KEEPALIVE_MS);
      stop = () => {
        if (stopped) return;
        stopped = true;
        for (const unsubscribe of unsubscribers) unsubscribe();
        clearInterval(keepalive);
        release();
        try {
          controller.close();
        } catch {
          // already closed by the other side
        }
      };
      options.signal.addEventListener("abort", () => stop(), { once: true });
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
