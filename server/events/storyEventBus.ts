import "server-only";
import type { BusMessage } from "../cluster/busMessages";
import type { LiveRooms } from "./liveRooms";
import type { StoryEvent, StoryEventKind, StoryEventListener } from "./storyEvents";

/** How much the bus holds at once (settings in server/env.ts, `EVENT_BUS_*`). */
export interface EventBusLimits {
  /** Events published in this process and not yet delivered to its listeners. */
  maxQueuedEvents: number;
  /** Listeners subscribed at once in this process. */
  maxListeners: number;
  /** Events sent to Redis and not yet acknowledged by it (Redis implementation only). */
  maxPendingPublishes: number;
}

export const DEFAULT_EVENT_BUS_LIMITS: EventBusLimits = { maxQueuedEvents: 10_000, maxListeners: 10_000, maxPendingPublishes: 1_000 };

/** A subscription past `maxListeners`: the caller answers "busy" instead of listening. */
export class EventBusFull extends Error {
  readonly code = "event_bus_full";
}

/**
 * The one story-event bus of a process: how Next's bundle, the custom server and (with Redis)
 * the other server processes tell each other what happened. It replaces the separate
 * `globalThis` bridges (live access, presence, session, comment and notification hubs); the
 * process holds one, installed by the custom server (`processBus.ts`).
 *
 * Three parts, one object:
 * - events (`publish` / `subscribe`): hints after a commit, delivered to this process's
 *   listeners and, scaled out, to every other process's;
 * - story channels (`joinStory` / `relayToStory`): a loaded room's committed updates, presence
 *   and workflow changes for the other processes that have the same story loaded (one process:
 *   nobody else, so these do nothing);
 * - the live rooms of this process (`serveLiveRooms` / `liveRooms`): what commands in Next's
 *   bundle ask of the collaboration server (apply access, wait for commits, server edits, who
 *   is present).
 */
export interface StoryEventBus {
  /** Other processes share the stories (Redis): rights are judged again at commit. */
  readonly spansProcesses: boolean;
  /**
   * Tells this process's listeners (after the current task, in order) and, scaled out, the
   * other processes'. Returns false, having logged why, when the bus is full: the listeners'
   * fallback (re-read, re-check) brings the news later.
   */
  publish(event: StoryEvent): boolean;
  /** Calls `listener` with each event of `kind` about `key` (null: every key); returns the unsubscribe. Throws EventBusFull past the listener limit. */
  subscribe<K extends StoryEventKind>(kind: K, key: string | null, listener: StoryEventListener<K>): () => void;

  /** Receives what other processes relay about a loaded story; resolves once it is live. */
  joinStory(articleId: string, handler: (message: BusMessage) => void): Promise<void>;
  leaveStory(articleId: string): Promise<void>;
  /** Sends a committed update, presence or workflow change to the other processes holding the story. */
  relayToStory(articleId: string, message: BusMessage): void;
  /** After an outage of the shared channel, everything loaded must be read again from the database. */
  onReconnect(listener: () => void): void;
  /** For /readyz: null when there is no shared channel to check. */
  isReachable(): Promise<boolean | null>;

  /** The custom server offers its rooms to the commands in Next's bundle. */
  serveLiveRooms(rooms: LiveRooms): void;
  /** This process's live rooms (nothing live when the collaboration server is not running here). */
  liveRooms(): LiveRooms;

  close(): Promise<void>;
}
