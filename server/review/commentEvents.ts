import "server-only";

import { eventBus } from "../events/processBus";

/**
 * Tells open comment streams (server-sent events, one per story page) that a story's comments
 * changed, over the story-event bus (route handlers and the custom server may load separate
 * copies of this module; scaled out, other processes' streams hear it too). It carries only
 * "changed": each page reads the threads again through the route that checks its rights.
 *
 * The per-user stream counts stay on globalThis: a counter, not an event.
 */
const SLOTS_KEY = Symbol.for("newsroom.commentStreamSlots");
type GlobalWithSlots = typeof globalThis & { [SLOTS_KEY]?: Map<string, number> };

/** Open streams per user id, bounded by COMMENTS_MAX_STREAMS_PER_USER. */
function streamCounts(): Map<string, number> {
  return ((globalThis as GlobalWithSlots)[SLOTS_KEY] ??= new Map());
}

/** Announces that `articleId`'s comments changed (after the transaction committed). */
export function announceCommentChange(articleId: string): void {
  eventBus().publish({ kind: "commentsChanged", articleId });
}

/** Calls `listener` whenever the story's comments change; returns the unsubscribe. */
export function onCommentChange(articleId: string, listener: () => void): () => void {
  return eventBus().subscribe("commentsChanged", articleId, () => listener());
}

/**
 * Announces that `articleId`'s review standing changed (a level signed, a check let through),
 * after the transaction committed: the 三审 and checks panels of everyone on it read again.
 * A sign-off going stale needs no event: the text changing is seen by every open page itself.
 */
export function announceReviewChange(articleId: string): void {
  eventBus().publish({ kind: "reviewChanged", articleId });
}

/** Calls `listener` whenever the story's review standing changes; returns the unsubscribe. */
export function onReviewChange(articleId: string, listener: () => void): () => void {
  return eventBus().subscribe("reviewChanged", articleId, () => listener());
}

/** Calls `listener` when the session `sessionId` is signed out (here or on another process). */
export function onSessionEnded(sessionId: string, listener: () => void): () => void {
  return eventBus().subscribe("sessionEnded", sessionId, () => listener());
}

/** Takes one of the user's stream slots: the release function, or null when all `limit` are open. */
export function takeStreamSlot(userId: string, limit: number): (() => void) | null {
  const streams = streamCounts();
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
