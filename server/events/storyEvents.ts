import "server-only";

/**
 * What happened, told to whoever listens in this process and (scaled out) in the others.
 * Events are hints after a commit ("look again"), never the data itself: every listener reads
 * what it shows through the code that checks rights, and each has a slower fallback (periodic
 * re-read or re-check) for an event that never arrives.
 */
export type StoryEvent =
  /** A session was signed out: sockets running on it close. */
  | { kind: "sessionEnded"; sessionId: string }
  /** A story's comments changed: its open comment streams read the threads again. */
  | { kind: "commentsChanged"; articleId: string }
  /** A story's review standing changed (a sign-off, a check override): its review panels read again. */
  | { kind: "reviewChanged"; articleId: string }
  /** Someone has new (or newly read) notifications: their bells read the count again. */
  | { kind: "notificationsChanged"; userId: string };

export type StoryEventKind = StoryEvent["kind"];
export type StoryEventOf<K extends StoryEventKind> = Extract<StoryEvent, { kind: K }>;
export type StoryEventListener<K extends StoryEventKind> = (event: StoryEventOf<K>) => void;

const KINDS: readonly StoryEventKind[] = ["sessionEnded", "commentsChanged", "reviewChanged", "notificationsChanged"];

/** Who an event is about: listeners subscribe to one key or (null) to every key of a kind. */
export function eventKey(event: StoryEvent): string {
  switch (event.kind) {
    case "sessionEnded":
      return event.sessionId;
    case "commentsChanged":
    case "reviewChanged":
      return event.articleId;
    case "notificationsChanged":
      return event.userId;
  }
}

/** Checks an event that crossed a process boundary (Redis): anything else is refused. */
export function parseStoryEvent(value: unknown): StoryEvent {
  if (typeof value !== "object" || value === null) throw new Error("not an event");
  const { kind } = value as { kind?: unknown };
  if (typeof kind !== "string" || !KINDS.includes(kind as StoryEventKind)) throw new Error(`unknown event kind ${String(kind)}`);
  const field = kind === "sessionEnded" ? "sessionId" : kind === "commentsChanged" || kind === "reviewChanged" ? "articleId" : "userId";
  const key = (value as Record<string, unknown>)[field];
  if (typeof key !== "string" || key.length === 0 || key.length > 200) throw new Error(`bad ${field}`);
  return { kind, [field]: key } as StoryEvent;
}
