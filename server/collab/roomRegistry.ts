import "server-only";
import type { Db } from "../../db/client";
import type { BusMessage } from "../cluster/busMessages";
import type { StoryEventBus } from "../events/storyEventBus";
import type { AwarenessUser } from "./awarenessIdentity";
import type { GroupCommitWriter } from "./groupCommit";
import { Room, type RoomRelay } from "./room";
import { findArticleFacts } from "../articles/articleFacts";
import { checkpointWriter } from "../commands/checkpointWriter";
import { CheckpointScheduler } from "./checkpointScheduler";
import { seedInitialContent } from "../storyLog/storedDocument";
import { DEFAULT_SNAPSHOT_LIMITS, type SnapshotLimits } from "../storyLog/snapshotPolicy";
import type { StoryStore } from "../storyLog/storyStore";

interface Entry {
  /** Shared by every connection that arrives while the room loads. */
  room: Promise<Room>;
  idleTimer: NodeJS.Timeout | null;
  /** Set while the room is being stored and freed; newcomers wait, then load afresh. */
  unloading: Promise<void> | null;
  /** The room once loaded. */
  loaded: Room | null;
}

/** A story took longer to open than `openTimeoutMs`: the connection is refused, nothing is lost. */
export class RoomOpenTimedOut extends Error {}

/**
 * The loaded rooms of this process. Concurrent loads of one story share one promise; a room
 * nobody is in is stored and unloaded after a short idle time (a page reload keeps it warm).
 * A loaded room is joined to its story's channel on the story-event bus (scaled out: Redis).
 */
export class RoomRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly db: Db,
    /** Where the stories' logs live (loads, snapshots, client owners). */
    private readonly store: StoryStore,
    private readonly writer: GroupCommitWriter,
    private readonly timing: {
      idleMs: number;
      checkpointPauseMs: number;
      checkpointMaxMs: number;
      /**
       * Longest a connection waits for its story to open, including the store of the story's
       * previous room when it is reopened while that room is still being stored (its drain may
       * wait out commit retries). Past it the connection is refused (the client reconnects).
       */
      openTimeoutMs: number;
    },
    /** Other processes holding the same stories (scaled out); in one process it relays nothing. */
    private readonly bus: StoryEventBus,
    private readonly snapshotLimits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS,
  ) {
    bus.onReconnect(() => void this.resyncAll());
  }

  /**
   * The loaded room for an article, loading it (and creating first content) if needed; rejects
   * with RoomOpenTimedOut past `openTimeoutMs`. The opening goes on: a room it loads after the
   * deadline that nobody joined is unloaded after the idle time like any empty room.
   */
  async acquire(articleId: string): Promise<Room> {
    const opening = this.open(articleId);
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RoomOpenTimedOut(`opening ${articleId} took longer than ${this.timing.openTimeoutMs} ms`)),
        this.timing.openTimeoutMs,
      );
      timer.unref();
    });
    try {
      return await Promise.race([opening, overdue]);
    } catch (err) {
      if (err instanceof RoomOpenTimedOut) opening.then((room) => this.release(room), () => {});
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The room once open: loaded, or loaded again after its previous room was stored. */
  private async open(articleId: string): Promise<Room> {
    for (;;) {
      const entry = this.entries.get(articleId);
      if (!entry) break;
      if (entry.unloading) {
        await entry.unloading;
        continue;
      }
      if (entry.idleTimer) {
        clearTimeout(entry.idleTimer);
        entry.idleTimer = null;
      }
      return entry.room;
    }
    const entry: Entry = { room: this.load(articleId), idleTimer: null, unloading: null, loaded: null };
    this.entries.set(articleId, entry);
    entry.room.then(
      (room) => {
        entry.loaded = room;
      },
      // A failed load leaves nothing behind, so the next attempt loads from the database again.
      () => {
        if (this.entries.get(articleId) === entry) this.entries.delete(articleId);
      },
    );
    return entry.room;
  }

  /** Called when a connection leaves: an empty room is unloaded after the idle time. */
  release(room: Room): void {
    const entry = this.entries.get(room.articleId);
    // A socket of an evicted room closing after the story was loaded again must not schedule
    // the new room's entry for unloading with the old room in it.
    if (!entry || entry.loaded !== room || room.connections.size > 0 || entry.unloading || entry.idleTimer) return;
    entry.idleTimer = setTimeout(() => {
      entry.idleTimer = null;
      if (this.entries.get(room.articleId) === entry && room.connections.size === 0) void this.unload(room.articleId, entry, room);
    }, this.timing.idleMs);
  }

  /** Who is in each loaded story now (article id → people). */
  presence(): Map<string, AwarenessUser[]> {
    const result = new Map<string, AwarenessUser[]>();
    for (const [articleId, entry] of this.entries) {
      const room = entry.loaded;
      if (room && room.connections.size > 0) result.set(articleId, room.presentUsers());
    }
    return result;
  }

  /** Rooms currently in memory. */
  get size(): number {
    return this.entries.size;
  }

  /** The loaded room, without loading it. */
  peek(articleId: string): Room | undefined {
    const entry = this.entries.get(articleId);
    return entry?.loaded ?? undefined;
  }

  /** The room if it is loaded or loading (without starting a load). */
  async whenLoaded(articleId: string): Promise<Room | undefined> {
    const entry = this.entries.get(articleId);
    if (!entry || entry.unloading) return undefined;
    return entry.room.catch(() => undefined);
  }

  /** Stores and frees every room (graceful shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all(
      [...this.entries].map(async ([articleId, entry]) => {
        if (entry.idleTimer) clearTimeout(entry.idleTimer);
        if (entry.unloading) return entry.unloading;
        const room = await entry.room.catch(() => null);
        if (room) await this.unload(articleId, entry, room);
      }),
    );
  }

  /**
   * Subscribes first, then loads: anything another process commits meanwhile is either in the
   * database read or in the messages held back until the room exists (Yjs updates apply in any
   * order and twice without harm).
   */
  private async load(articleId: string): Promise<Room> {
    const heldBack: BusMessage[] = [];
    let deliver = (message: BusMessage): void => {
      heldBack.push(message);
    };
    await this.bus.joinStory(articleId, (message) => deliver(message));
    try {
      const room = await this.loadRoom(articleId);
      for (const message of heldBack.splice(0)) applyBusMessage(room, message);
      deliver = (message) => applyBusMessage(room, message);
      room.whenEvicted(() => {
        const entry = this.entries.get(articleId);
        if (entry && entry.loaded === room && !entry.unloading) void this.unload(articleId, entry, room);
      });
      return room;
    } catch (err) {
      await this.bus.leaveStory(articleId);
      throw err;
    }
  }

  /** After a Redis outage: whatever was published meanwhile is in the database; apply it. */
  private async resyncAll(): Promise<void> {
    for (const [articleId, entry] of this.entries) {
      const room = entry.loaded;
      if (!room || entry.unloading) continue;
      try {
        const stored = await this.store.load(articleId);
        const owners = await this.store.clientOwners(articleId);
        if (stored.state) {
          room.applyRemoteUpdate(stored.state, [...owners]);
          // What this process committed while its relays failed reaches the others even if
          // they resynchronised before that commit: they apply only what they lack.
          if (this.bus.spansProcesses) this.bus.relayToStory(articleId, { kind: "update", update: stored.state, newOwners: [...owners] });
        }
        const found = await findArticleFacts(this.db, articleId);
        if (found) room.updateAccess(found.facts);
      } catch (err) {
        console.error(`[cluster] resync of ${articleId} failed:`, (err as Error).message);
      }
    }
  }

  private relayFor(articleId: string): RoomRelay | null {
    const bus = this.bus;
    if (!bus.spansProcesses) return null;
    return {
      publishUpdate: (update, newOwners) => bus.relayToStory(articleId, { kind: "update", update, newOwners: [...newOwners] }),
      publishAwareness: (update) => bus.relayToStory(articleId, { kind: "awareness", update }),
    };
  }

  private async loadRoom(articleId: string): Promise<Room> {
    // Read together: on a cold open of a long story these round trips were waited for in turn.
    let [stored, found, owners] = await Promise.all([
      this.store.load(articleId),
      findArticleFacts(this.db, articleId),
      this.store.clientOwners(articleId),
    ]);
    if (!found) throw new Error(`article ${articleId} does not exist`);
    if (stored.state === null) {
      await seedInitialContent(this.db, articleId);
      [stored, owners] = await Promise.all([this.store.load(articleId), this.store.clientOwners(articleId)]);
    }
    const { checkpointPauseMs, checkpointMaxMs } = this.timing;
    // A checkpoint waits for its own story's updates only (the room exists by the time it runs).
    let room: Room | null = null;
    const checkpoints = new CheckpointScheduler(checkpointPauseMs, checkpointMaxMs, async () => {
      if (room) await this.writer.drainStory(room);
      await checkpointWriter(this.db, { articleId });
    });
    room = new Room(
      articleId,
      found.facts,
      stored,
      owners,
      this.store,
      this.writer,
      checkpoints,
      this.relayFor(articleId),
      this.snapshotLimits,
    );
    return room;
  }

  private unload(articleId: string, entry: Entry, room: Room): Promise<void> {
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.unloading = room
      .close()
      .catch((err) => console.error(`[collab] unloading ${articleId} failed:`, (err as Error).message))
      .then(() => this.bus.leaveStory(articleId))
      .finally(() => {
        if (this.entries.get(articleId) === entry) this.entries.delete(articleId);
      });
    return entry.unloading;
  }
}

function applyBusMessage(room: Room, message: BusMessage): void {
  if (message.kind === "update") room.applyRemoteUpdate(message.update, message.newOwners);
  else if (message.kind === "awareness") room.applyRemoteAwareness(message.update);
  else room.updateAccess(message.facts);
}
