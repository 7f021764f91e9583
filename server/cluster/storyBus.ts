import "server-only";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { StoryEvent } from "../events/storyEvents";
import { decodeBusMessage, decodeEventMessage, encodeBusMessage, encodeEventMessage, type BusMessage } from "./busMessages";

type Handler = (message: BusMessage) => void;

const CHANNEL_PREFIX = "newsroom:story:";
/** Story events (sign-outs, comment and notification changes): every process listens. */
const EVENTS_CHANNEL = "newsroom:events";
const PING_TIMEOUT_MS = 2000;
const CONNECT_TIMEOUT_MS = 15_000;
const SUBSCRIBE_WAIT_MS = 2000;

/**
 * Redis pub/sub between the server processes of one newsroom: one channel per story, joined
 * by a process while it has the story loaded. Pub/sub keeps nothing, so after Redis comes
 * back every process resynchronises its loaded stories from the database (`onReconnect`).
 */
export class StoryBus {
  /** Distinguishes this process's own messages, which Redis also delivers back to it. */
  readonly processId = randomUUID();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, Handler>();
  private eventHandler: ((event: StoryEvent) => void) | null = null;
  private readonly reconnectListeners: (() => void)[] = [];
  private connectedOnce = false;

  constructor(url: string) {
    // Publishing while Redis is away fails at once instead of queueing stale messages: the
    // others resynchronise from the database when Redis is back.
    this.publisher = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    // Channels are joined again by this class on reconnect (below), not by ioredis: its own
    // resubscription sends SUBSCRIBE without handling the answer, so a connection that dropped
    // again before the answer (Redis flapping, or this bus closed right then) rejected with
    // "Connection is closed" unhandled, which ends a Node process.
    this.subscriber = new Redis(url, { autoResubscribe: false, maxRetriesPerRequest: null });
    for (const [name, client] of [["publisher", this.publisher], ["subscriber", this.subscriber]] as const) {
      client.on("error", (err: Error) => console.error(`[cluster] redis ${name}: ${err.message}`));
    }
    this.subscriber.on("messageBuffer", (channel: Buffer, payload: Buffer) => this.deliver(channel.toString(), payload));
    // The publisher comes back on its own schedule: a commit whose relay failed while it was
    // away may land after the other processes already resynchronised on their subscriber's
    // return, so its return resynchronises too (and the registry re-sends stored state).
    let publisherConnectedOnce = false;
    this.publisher.on("ready", () => {
      if (!publisherConnectedOnce) {
        publisherConnectedOnce = true;
        return;
      }
      console.log("[cluster] redis publishing is back: re-sending open stories from the database");
      for (const listener of this.reconnectListeners) listener();
    });
    this.subscriber.on("ready", () => {
      if (!this.connectedOnce) {
        this.connectedOnce = true;
        return;
      }
      // The resubscription goes ahead of this ping on the same connection: once it answers,
      // every channel is live again and the database read cannot miss a message.
      const channels = [...(this.eventHandler ? [EVENTS_CHANNEL] : []), ...this.handlers.keys()];
      const resubscribed = channels.length > 0 ? this.subscriber.subscribe(...channels) : Promise.resolve(0);
      Promise.all([resubscribed, this.subscriber.ping()]).then(
        () => {
          console.log("[cluster] redis is back: resynchronising open stories from the database");
          for (const listener of this.reconnectListeners) listener();
        },
        (err: Error) => console.error(`[cluster] resubscribing after reconnect failed: ${err.message}`),
      );
    });
  }

  /** Resolves once both connections are up; start-up fails clearly if Redis cannot be reached. */
  async connect(timeoutMs = CONNECT_TIMEOUT_MS): Promise<void> {
    const ready = (client: Redis) =>
      client.status === "ready" ? Promise.resolve() : new Promise<void>((resolve) => client.once("ready", () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      await Promise.race([Promise.all([ready(this.publisher), ready(this.subscriber)]), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Joins a story's channel; resolves once Redis confirms, so nothing published later is
   * missed. While Redis is away it resolves after a short wait instead: the story opens from
   * the database, the subscription goes out when Redis is back, and the resync that follows
   * brings in whatever was missed meanwhile.
   */
  async subscribe(articleId: string, handler: Handler): Promise<void> {
    const channel = CHANNEL_PREFIX + articleId;
    this.handlers.set(channel, handler);
    let timer: NodeJS.Timeout | undefined;
    const confirmed = this.subscriber.subscribe(channel);
    const redisAway = new Promise<"away">((resolve) => {
      timer = setTimeout(() => resolve("away"), SUBSCRIBE_WAIT_MS);
    });
    try {
      if ((await Promise.race([confirmed, redisAway])) === "away") {
        console.warn(`[cluster] Redis did not confirm the subscription to ${articleId}; opening it from the database`);
        confirmed.catch(() => {});
      }
    } catch (err) {
      this.handlers.delete(channel);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Receives the story events other processes publish (joined once, at start-up). */
  async subscribeEvents(handler: (event: StoryEvent) => void): Promise<void> {
    this.eventHandler = handler;
    await this.subscriber.subscribe(EVENTS_CHANNEL);
  }

  /** Sends a story event to the other processes; rejects when Redis refuses it (away). */
  async publishEvent(event: StoryEvent): Promise<void> {
    await this.publisher.publish(EVENTS_CHANNEL, Buffer.from(encodeEventMessage(this.processId, event)));
  }

  async unsubscribe(articleId: string): Promise<void> {
    const channel = CHANNEL_PREFIX + articleId;
    this.handlers.delete(channel);
    await this.subscriber.unsubscribe(channel).catch(() => {});
  }

  /** Fire and forget: a message lost while Redis is away is recovered by the resync. */
  publish(articleId: string, message: BusMessage): void {
    this.publisher
      .publish(CHANNEL_PREFIX + articleId, Buffer.from(encodeBusMessage(this.processId, message)))
      .catch((err: Error) => console.error(`[cluster] publish to ${articleId} failed: ${err.message}`));
  }

  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  /** For /readyz: Redis answers within a short time. */
  async isReachable(): Promise<boolean> {
    // A ping that loses the race still settles later ("Connection is closed" once Redis is
    // gone): handled here, or it is an unhandled rejection in the process.
    const ping = this.publisher.ping();
    ping.catch(() => {});
    try {
      await Promise.race([
        ping,
        new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), PING_TIMEOUT_MS).unref()),
      ]);
      return this.subscriber.status === "ready";
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.eventHandler = null;
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]);
  }

  private deliver(channel: string, payload: Buffer): void {
    if (channel === EVENTS_CHANNEL) return this.deliverEvent(payload);
    const handler = this.handlers.get(channel);
    if (!handler) return;
    let decoded;
    try {
      decoded = decodeBusMessage(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength));
    } catch (err) {
      console.error(`[cluster] ignored an unreadable message on ${channel}: ${(err as Error).message}`);
      return;
    }
    if (decoded.sender === this.processId) return;
    try {
      handler(decoded.message);
    } catch (err) {
      console.error(`[cluster] applying a message on ${channel} failed: ${(err as Error).message}`);
    }
  }

  private deliverEvent(payload: Buffer): void {
    if (!this.eventHandler) return;
    let decoded;
    try {
      decoded = decodeEventMessage(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength));
    } catch (err) {
      console.error(`[cluster] ignored an unreadable event: ${(err as Error).message}`);
      return;
    }
    if (decoded.sender !== this.processId) this.eventHandler(decoded.event);
  }
}
