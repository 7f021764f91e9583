import "server-only";
import type { BusMessage } from "../cluster/busMessages";
import { StoryBus } from "../cluster/storyBus";
import { MemoryEventBus } from "./memoryEventBus";
import type { EventBusLimits } from "./storyEventBus";
import { eventKey, type StoryEvent } from "./storyEvents";

/**
 * The story-event bus of a process among several (scaled out): this process's listeners as in
 * memory, plus Redis pub/sub to the others (`cluster/storyBus.ts`): one channel per loaded
 * story for the rooms, one events channel every process listens to. Pub/sub keeps nothing:
 * an event lost while Redis is away is caught by the listeners' fallback, a story's relays by
 * the resync from the database when Redis is back (`onReconnect`).
 */
export class RedisEventBus extends MemoryEventBus {
  override readonly spansProcesses = true;
  private readonly redis: StoryBus;
  /** Events handed to Redis and not yet acknowledged (bounded by maxPendingPublishes). */
  private pendingPublishes = 0;

  constructor(url: string, limits?: EventBusLimits) {
    super(limits);
    this.redis = new StoryBus(url);
  }

  /** Connects both Redis connections and joins the events channel; rejects when Redis cannot be reached. */
  async connect(): Promise<void> {
    await this.redis.connect();
    await this.redis.subscribeEvents((event) => this.deliverHere(event));
  }

  override publish(event: StoryEvent): boolean {
    const queued = this.deliverHere(event);
    if (this.pendingPublishes >= this.limits.maxPendingPublishes) {
      console.error(`[events] ${event.kind} for ${eventKey(event)} not sent to the other processes: ${this.limits.maxPendingPublishes} still wait for Redis (EVENT_BUS_MAX_PENDING_PUBLISHES)`);
      return false;
    }
    this.pendingPublishes++;
    this.redis
      .publishEvent(event)
      .catch((err: Error) => console.error(`[cluster] publishing ${event.kind} failed: ${err.message}`))
      .finally(() => this.pendingPublishes--);
    return queued;
  }

  override joinStory(articleId: string, handler: (message: BusMessage) => void): Promise<void> {
    return this.redis.subscribe(articleId, handler);
  }

  override leaveStory(articleId: string): Promise<void> {
    return this.redis.unsubscribe(articleId);
  }

  override relayToStory(articleId: string, message: BusMessage): void {
    this.redis.publish(articleId, message);
  }

  override onReconnect(listener: () => void): void {
    this.redis.onReconnect(listener);
  }

  override isReachable(): Promise<boolean | null> {
    return this.redis.isReachable();
  }

  override async close(): Promise<void> {
    await super.close();
    await this.redis.close();
  }
}
