import "server-only";
import type { BusMessage } from "../cluster/busMessages";
import { NO_LIVE_ROOMS, type LiveRooms } from "./liveRooms";
import { DEFAULT_EVENT_BUS_LIMITS, EventBusFull, type EventBusLimits, type StoryEventBus } from "./storyEventBus";
import { eventKey, type StoryEvent, type StoryEventKind, type StoryEventListener } from "./storyEvents";

type AnyListener = (event: StoryEvent) => void;

/**
 * The story-event bus of one process: listeners in memory, deliveries queued (bounded) and run
 * after the publisher's task, so a listener never runs inside the publisher's transaction code
 * and one that throws cannot break the publisher or the other listeners. There is nobody to
 * relay stories to: every client of a story is in this process's one room.
 */
export class MemoryEventBus implements StoryEventBus {
  readonly spansProcesses: boolean = false;
  /** `${kind} ${key}` (or `${kind} *` for every key) → listeners. */
  private readonly listeners = new Map<string, Set<AnyListener>>();
  private listenerCount = 0;
  private readonly queue: StoryEvent[] = [];
  private draining = false;
  private rooms: LiveRooms = NO_LIVE_ROOMS;

  constructor(protected readonly limits: EventBusLimits = DEFAULT_EVENT_BUS_LIMITS) {}

  publish(event: StoryEvent): boolean {
    return this.deliverHere(event);
  }

  subscribe<K extends StoryEventKind>(kind: K, key: string | null, listener: StoryEventListener<K>): () => void {
    if (this.listenerCount >= this.limits.maxListeners) {
      throw new EventBusFull(`the event bus already has ${this.limits.maxListeners} listeners (EVENT_BUS_MAX_LISTENERS)`);
    }
    const slot = `${kind} ${key ?? "*"}`;
    const set = this.listeners.get(slot) ?? new Set<AnyListener>();
    this.listeners.set(slot, set);
    // A fresh function per subscription, so the same listener subscribed twice counts twice.
    const entry: AnyListener = (event) => listener(event as Parameters<StoryEventListener<K>>[0]);
    set.add(entry);
    this.listenerCount++;
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      set.delete(entry);
      this.listenerCount--;
      if (set.size === 0 && this.listeners.get(slot) === set) this.listeners.delete(slot);
    };
  }

  /** Listeners subscribed now (for tests and limits). */
  get size(): number {
    return this.listenerCount;
  }

  async joinStory(_articleId: string, _handler: (message: BusMessage) => void): Promise<void> {}
  async leaveStory(_articleId: string): Promise<void> {}
  relayToStory(_articleId: string, _message: BusMessage): void {}
  onReconnect(_listener: () => void): void {}
  async isReachable(): Promise<boolean | null> {
    return null;
  }

  serveLiveRooms(rooms: LiveRooms): void {
    this.rooms = rooms;
  }

  liveRooms(): LiveRooms {
    return this.rooms;
  }

  async close(): Promise<void> {
    this.rooms = NO_LIVE_ROOMS;
  }

  /** Queues `event` for this process's listeners; false (logged) when the queue is full. */
  protected deliverHere(event: StoryEvent): boolean {
    if (this.queue.length >= this.limits.maxQueuedEvents) {
      console.error(`[events] ${event.kind} for ${eventKey(event)} dropped: ${this.limits.maxQueuedEvents} events already wait (EVENT_BUS_MAX_QUEUED)`);
      return false;
    }
    this.queue.push(event);
    if (!this.draining) {
      this.draining = true;
      queueMicrotask(() => this.drain());
    }
    return true;
  }

  private drain(): void {
    try {
      for (let event = this.queue.shift(); event; event = this.queue.shift()) {
        const key = eventKey(event);
        for (const slot of [`${event.kind} ${key}`, `${event.kind} *`]) {
          const set = this.listeners.get(slot);
          if (!set) continue;
          for (const listener of [...set]) {
            try {
              listener(event);
            } catch (err) {
              console.error(`[events] a ${event.kind} listener failed: ${(err as Error).message}`);
            }
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
