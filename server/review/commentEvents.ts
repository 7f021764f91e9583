import "server-only";
import { EventEmitter } from "node:events";

/**
 * Tells open comment streams (server-sent events, one per story page) that a story's comments
 * changed. Route handlers and the custom server may load separate copies of this module, so
 * the hub lives on globalThis. It carries only "changed": each page reads the threads again
 * through the route that checks its rights.
 */
interface CommentHub {
  emitter: EventEmitter;
  /** Open streams per user id, bounded by COMMENTS_MAX_STREAMS_PER_USER. */
  streams: Map<string, number>;
}

const HUB_KEY = Symbol.for("newsroom.commentHub");
type GlobalWithHub = typeof globalThis & { [HUB_KEY]?: CommentHub };

function hub(): CommentHub {
  const global = globalThis as GlobalWithHub;
  if (!global[HUB_KEY]) {
    const emitter = new EventEmitter();
    // Listeners are bounded by the per-user stream limit, not by a fixed count per story.
    emitter.setMaxListeners(0);
    global[HUB_KEY] = { emitter, streams: new Map() };
  }
  return global[HUB_KEY];
}

/** Announces that `articleId`'s comments changed (after the transaction committed). */
export function announceCommentChange(articleId: string): void {
  hub().emitter.emit(articleId);
}

/** Calls `listener` whenever the story's comments change; returns the unsubscribe. */
export function onCommentChange(articleId: string, listener: () => void): () => void {
  const { emitter } = hub();
  emitter.on(articleId, listener);
  return () => emitter.off(articleId, listener);
}

/** Takes one of the user's stream slots: the release function, or null when all `limit` are open. */
export function takeStreamSlot(userId: string, limit: number): (() => void) | null {
  const { streams } = hub();
  const open = streams.get(userId) ?? 0;
  if (open >= limit) return null;
  streams.set(userId, open + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (streams.get(userId) ?? 1) - 1;
    if (left <= 0) streams.delete(userId);
    else streams.set(userId, left);
  };
}
