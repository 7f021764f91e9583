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

interface Channel {
  source: EventSource;
  listeners: Map<StorySignal, Set<() => void>>;
}

const channels = new Map<string, Channel>();

function channelOf(articleId: string): Channel {
  let channel = channels.get(articleId);
  if (channel) return channel;
  const source = new EventSource(`/api/articles/${articleId}/comments/stream`);
  const listeners = new Map<StorySignal, Set<() => void>>();
  channel = { source, listeners };
  for (const name of ["ready", "changed", "review"] as const) {
    source.addEventListener(name, () => tell(listeners, name));
  }
  channels.set(articleId, channel);
  return channel;
}

function tell(listeners: Map<StorySignal, Set<() => void>>, name: StorySignal): void {
  for (const listener of [...(listeners.get(name) ?? [])]) listener();
}

/**
 * Calls `listener` on each of `signals` for the story; returns the unsubscribe. A panel that
 * joins after the stream said `ready` reads once itself (it is not told `ready` again).
 */
export function followStory(articleId: string, signals: readonly StorySignal[], listener: () => void): () => void {
  const channel = channelOf(articleId);
  for (const name of signals) {
    let set = channel.listeners.get(name);
    if (!set) channel.listeners.set(name, (set = new Set()));
    set.add(listener);
  }
  return () => {
    for (const name of signals) channel.listeners.get(name)?.delete(listener);
    if ([...channel.listeners.values()].every((set) => set.size === 0)) {
      channel.source.close();
      channels.delete(articleId);
    }
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
