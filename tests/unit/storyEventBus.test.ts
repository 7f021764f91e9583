// The in-memory story-event bus (issue 12): one process's events reach the listeners of their
// kind and key (or every key), after the publisher's task, in order; a throwing listener harms
// nobody else; the queue and the listener count are bounded and refuse clearly past their
// limits; the live rooms are served through it, and nothing is live before they are.
import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryEventBus } from "../../server/events/memoryEventBus";
import { eventBus, installEventBus, uninstallEventBus } from "../../server/events/processBus";
import { EventBusFull, type EventBusLimits } from "../../server/events/storyEventBus";
import { parseStoryEvent, type StoryEvent } from "../../server/events/storyEvents";
import { liveAccess } from "../../server/collab/liveAccess";
import { livePresence } from "../../server/collab/livePresence";
import { announceSessionEnded } from "../../server/auth/sessionEvents";
import { announceCommentChange, onCommentChange } from "../../server/review/commentEvents";
import { announceNotifications, onNotifications } from "../../server/notifications/notificationHub";

const limits = (over: Partial<EventBusLimits> = {}): EventBusLimits => ({ maxQueuedEvents: 100, maxListeners: 100, maxPendingPublishes: 100, ...over });
/** Lets queued deliveries run (they run after the publisher's task, as microtasks). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

afterEach(() => vi.restoreAllMocks());

describe("in-memory story-event bus", () => {
  it("delivers an event to listeners of its key and of every key, not to others, after the publisher's task", async () => {
    const bus = new MemoryEventBus(limits());
    const seen: string[] = [];
    bus.subscribe("commentsChanged", "story-a", (e) => seen.push(`a:${e.articleId}`));
    bus.subscribe("commentsChanged", "story-b", (e) => seen.push(`b:${e.articleId}`));
    bus.subscribe("commentsChanged", null, (e) => seen.push(`any:${e.articleId}`));
    bus.subscribe("notificationsChanged", "story-a", () => seen.push("wrong kind"));

    expect(bus.publish({ kind: "commentsChanged", articleId: "story-a" })).toBe(true);
    expect(seen).toEqual([]); // not inside the publisher's code
    await settle();
    expect(seen).toEqual(["a:story-a", "any:story-a"]);
  });

  it("keeps the order of events and stops delivering after unsubscribe", async () => {
    const bus = new MemoryEventBus(limits());
    const seen: string[] = [];
    const stop = bus.subscribe("sessionEnded", null, (e) => seen.push(e.sessionId));
    for (const id of ["s1", "s2", "s3"]) bus.publish({ kind: "sessionEnded", sessionId: id });
    await settle();
    stop();
    stop(); // twice is harmless
    bus.publish({ kind: "sessionEnded", sessionId: "s4" });
    await settle();
    expect(seen).toEqual(["s1", "s2", "s3"]);
    expect(bus.size).toBe(0);
  });

  it("a listener that throws does not keep the event from the others", async () => {
    const bus = new MemoryEventBus(limits());
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const seen: string[] = [];
    bus.subscribe("notificationsChanged", "u1", () => {
      throw new Error("broken stream");
    });
    bus.subscribe("notificationsChanged", "u1", (e) => seen.push(e.userId));
    bus.publish({ kind: "notificationsChanged", userId: "u1" });
    await settle();
    expect(seen).toEqual(["u1"]);
    expect(errors.mock.calls.join(" ")).toMatch(/notificationsChanged listener failed: broken stream/);
  });

  it("refuses events past EVENT_BUS_MAX_QUEUED and says so; the queue takes more once delivered", async () => {
    const bus = new MemoryEventBus(limits({ maxQueuedEvents: 3 }));
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const seen: string[] = [];
    bus.subscribe("commentsChanged", null, (e) => seen.push(e.articleId));
    const accepted = ["a", "b", "c", "d", "e"].map((id) => bus.publish({ kind: "commentsChanged", articleId: id }));
    expect(accepted).toEqual([true, true, true, false, false]);
    expect(errors.mock.calls.join(" ")).toMatch(/commentsChanged for d dropped: 3 events already wait \(EVENT_BUS_MAX_QUEUED\)/);
    await settle();
    expect(seen).toEqual(["a", "b", "c"]);
    expect(bus.publish({ kind: "commentsChanged", articleId: "f" })).toBe(true);
    await settle();
    expect(seen).toEqual(["a", "b", "c", "f"]);
  });

  it("refuses a listener past EVENT_BUS_MAX_LISTENERS; an unsubscribe frees its place", () => {
    const bus = new MemoryEventBus(limits({ maxListeners: 2 }));
    const first = bus.subscribe("commentsChanged", "a", () => {});
    bus.subscribe("commentsChanged", "a", () => {});
    expect(() => bus.subscribe("sessionEnded", null, () => {})).toThrow(EventBusFull);
    expect(() => bus.subscribe("sessionEnded", null, () => {})).toThrow(/already has 2 listeners \(EVENT_BUS_MAX_LISTENERS\)/);
    first();
    expect(() => bus.subscribe("sessionEnded", null, () => {})).not.toThrow();
  });

  it("relays no story to anyone in one process, and has no shared channel to check", async () => {
    const bus = new MemoryEventBus(limits());
    expect(bus.spansProcesses).toBe(false);
    const received: unknown[] = [];
    await bus.joinStory("a", (m) => received.push(m));
    bus.relayToStory("a", { kind: "awareness", update: new Uint8Array([1]) });
    await settle();
    expect(received).toEqual([]);
    expect(await bus.isReachable()).toBeNull();
  });
});

describe("the process's bus", () => {
  it("serves the live rooms to liveAccess and livePresence; nothing is live before or after", async () => {
    const bus = new MemoryEventBus(limits());
    installEventBus(bus);
    try {
      const flushed: (string | undefined)[] = [];
      bus.serveLiveRooms({
        apply: async () => {},
        flush: async (id) => void flushed.push(id),
        applyEdit: async () => {},
        presence: () => new Map([["a", [{ id: "u1", name: "姚宇超", color: "#123456" }]]]),
      });
      await liveAccess().flush("a");
      expect(flushed).toEqual(["a"]);
      expect([...livePresence().keys()]).toEqual(["a"]);
      await bus.close();
      expect(livePresence().size).toBe(0);
      await expect(liveAccess().applyEdit("a", "u1", () => null)).rejects.toThrow(/not running in this process/);
    } finally {
      uninstallEventBus(bus);
    }
    expect(eventBus()).not.toBe(bus);
  });

  it("carries sign-outs, comment changes and notifications from their announcers to their listeners", async () => {
    const bus = new MemoryEventBus(limits());
    installEventBus(bus);
    try {
      const seen: string[] = [];
      bus.subscribe("sessionEnded", null, (e) => seen.push(`session ${e.sessionId}`));
      const stopComments = onCommentChange("story-1", () => seen.push("comments story-1"));
      onNotifications("u2", () => seen.push("notifications u2"));
      announceSessionEnded("s9");
      announceCommentChange("story-1");
      announceCommentChange("story-2");
      announceNotifications(["u2", "u2", "u3"]); // once per person
      await settle();
      expect(seen).toEqual(["session s9", "comments story-1", "notifications u2"]);
      stopComments();
      announceCommentChange("story-1");
      await settle();
      expect(seen).toHaveLength(3);
    } finally {
      uninstallEventBus(bus);
    }
  });
});

describe("events crossing processes", () => {
  it("accepts the known kinds and refuses anything else", () => {
    const ok: StoryEvent[] = [
      { kind: "sessionEnded", sessionId: "s" },
      { kind: "commentsChanged", articleId: "a" },
      { kind: "notificationsChanged", userId: "u" },
    ];
    for (const event of ok) expect(parseStoryEvent(JSON.parse(JSON.stringify({ ...event, extra: 1 })))).toEqual(event);
    expect(() => parseStoryEvent({ kind: "dropTables" })).toThrow(/unknown event kind/);
    expect(() => parseStoryEvent({ kind: "sessionEnded", sessionId: 5 })).toThrow(/bad sessionId/);
    expect(() => parseStoryEvent(null)).toThrow();
  });
});
