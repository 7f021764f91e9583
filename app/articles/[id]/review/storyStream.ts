"use client";

/**
 * One live channel per story page, shared by the panels that follow the story: the server's
 * event stream (`/api/articles/:id/comments/stream`: `ready`, `changed` for comments, `review`
 * for sign-offs, overrides and state) and, in the page itself, `text` whenever the shared
 * document changes (a colleague's edit makes a sign-off stale and the checks old). One
 * EventSource per story however many panels listen, so the per-account stream limit counts
 * pages, not panels; it closes when the last panel leaves.
 */
export type StorySignal = "ready" | "changed" | "review" | "text";

/** First wait before opening a stream the browser gave up on, doubled each time up to the cap. */
const REOPEN_FIRST_MS = 1000;
const REOPEN_MAX_MS = 30_000;

interface Channel {
  /** The server's stream, or null: nobody here may comment (the stream needs it), or it is waiting to reopen. */
  source: EventSource | null;
  /** Whether some follower may open the stream (it may comment on the story). */
  live: boolean;
  listeners: Map<StorySignal, Set<() => void>>;
  reopenDelayMs: number;
  reopenTimer: ReturnType<typeof setTimeout> | null;
}

const channels = new Map<string, Channel>();

function channelOf(articleId: string, live: boolean): Channel {
  let channel = channels.get(articleId);
  if (!channel) {
    channel = { source: null, live: false, listeners: new Map(), reopenDelayMs: REOPEN_FIRST_MS, reopenTimer: null };
    channels.set(articleId, channel);
  }
  if (live && !channel.live) {
    channel.live = true;
    open(articleId, channel);
  }
  return channel;
}

/**
 * Opens the server's stream for a channel. A stream the browser closed for good (a refusal,
 * the server gone past its retries) is dropped and opened again after a wait that doubles up
 * to REOPEN_MAX_MS, so panels are never left following a dead stream; its `ready` tells them
 * to read again whatever they may have missed.
 */
function open(articleId: string, channel: Channel): void {
  const source = new EventSource(`/api/articles/${articleId}/comments/stream`);
  channel.source = source;
  for (const name of ["ready", "changed", "review"] as const) {
    source.addEventListener(name, () => {
      if (name === "ready") channel.reopenDelayMs = REOPEN_FIRST_MS;
      tell(channel.listeners, name);
    });
  }
  source.addEventListener("error", () => {
    if (source.readyState !== EventSource.CLOSED || channel.source !== source) return; // the browser retries by itself
    source.close();
    channel.source = null;
    if (channels.get(articleId) !== channel) return;
    const delay = channel.reopenDelayMs;
    channel.reopenDelayMs = Math.min(REOPEN_MAX_MS, delay * 2);
    channel.reopenTimer = setTimeout(() => {
      channel.reopenTimer = null;
      if (channels.get(articleId) === channel) open(articleId, channel);
    }, delay);
  });
}

function tell(listeners: Map<StorySignal, Set<() => void>>, name: StorySignal): void {
  for (const listener of [...(listeners.get(name) ?? [])]) listener();
}

/**
 * Calls `listener` on each of `signals` for the story; returns the unsubscribe (safe to call
 * twice). A panel that joins after the stream said `ready` reads once itself (it is not told
 * `ready` again). `live` false (the person may not comment, and the stream requires it): no
 * stream is opened for this follower; it still hears `text`, and re-reads on its own.
 */
export function followStory(articleId: string, signals: readonly StorySignal[], listener: () => void, live = true): () => void {
  const channel = channelOf(articleId, live);
  for (const name of signals) {
    let set = channel.listeners.get(name);
    if (!set) channel.listeners.set(name, (set = new Set()));
    set.add(listener);
  }
  let followed = true;
  return () => {
    if (!followed) return;
    followed = false;
    for (const name of signals) channel.listeners.get(name)?.delete(listener);
    if ([...channel.listeners.values()].some((set) => set.size > 0)) return;
    channel.source?.close();
    channel.source = null;
    if (channel.reopenTimer !== null) clearTimeout(channel.reopenTimer);
    if (channels.get(articleId) === channel) channels.delete(articleId);
  };
}

/** The page's shared document changed (typed here or by a colleague): `text` listeners hear it. */
export function storyTextChanged(articleId: string): void {
  const channel = channels.get(articleId);
  if (channel) tell(channel.listeners, "text");
}

/** Calls `run` once `delayMs` after the last of a burst of calls (the text rests): cancel with `.cancel()`. */
export function afterQuiet(run: () => void, delayMs: number): (() => void) & { cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const call = () => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      run();
    }, delayMs);
  };
  return Object.assign(call, {
    cancel: () => {
      if (timer !== null) clearTimeout(timer);
    },
  });
}

/**
 * Calls `run` when the page comes back (its tab shown again, its window focused): a stream that
 * was away, a sleeping laptop's say, may have missed events. Returns the unsubscribe.
 */
export function onPageReturn(run: () => void): () => void {
  const again = () => {
    if (document.visibilityState === "visible") run();
  };
  document.addEventListener("visibilitychange", again);
  window.addEventListener("focus", again);
  return () => {
    document.removeEventListener("visibilitychange", again);
    window.removeEventListener("focus", again);
  };
}
