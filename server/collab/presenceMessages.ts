import "server-only";
import * as awarenessProtocol from "y-protocols/awareness";
import {
  AwarenessRejected,
  MAX_AWARENESS_CLIENTS_PER_CONNECTION,
  decodeAwarenessUpdate,
  encodeAwarenessUpdate,
  withSessionIdentity,
} from "./awarenessIdentity";
import { awarenessMessage } from "./protocolMessages";
import type { RoomConnection } from "./roomConnection";
import type { StoryDocument } from "./storyDocument";
import { FROM_BUS, originOf, type UpdateOrigin } from "./updateOrigin";

/**
 * The message handler for presence (awareness) of one story: a connection speaks only for its
 * own awareness client ids, its `user` field is always its session's, and presence from other
 * processes is shown as it is. Every change goes to every connection (the sender too:
 * y-websocket clients treat 30 s without any message as a dead link) and, unless it came from
 * the bus, to other processes.
 */
export class PresenceMessages {
  /** Awareness client ids whose presence came from another process. */
  private readonly remoteAwarenessIds = new Set<number>();

  constructor(
    private readonly story: StoryDocument,
    private readonly publish: ((update: Uint8Array) => void) | null,
  ) {
    story.awareness.on("update", this.onAwarenessUpdate);
  }

  /** Applies a presence update, with the sender's identity forced to the session's. */
  applyClient(update: Uint8Array, from: RoomConnection): void {
    // A client may not speak for (or remove) someone else's presence. Stock clients echo
    // everyone's presence back; those entries are dropped here, not counted against the sender.
    const entries = decodeAwarenessUpdate(update, from.budget.limits.maxAwarenessStateBytes).filter((entry) => {
      const owner = this.story.awarenessOwner(entry.clientId);
      if (owner !== null) return owner === from;
      return !this.remoteAwarenessIds.has(entry.clientId);
    });
    const newIds = entries.filter((e) => !from.awarenessIds.has(e.clientId)).length;
    if (from.awarenessIds.size + newIds > MAX_AWARENESS_CLIENTS_PER_CONNECTION) throw new AwarenessRejected("too many awareness clients");
    if (entries.length === 0) return;
    // Charged only for the sender's own presence: stock clients echo every colleague's change
    // back (y-websocket sends whatever changed), which is dropped above and must not count,
    // nor must the echo of a departed colleague's removal (her id has no owner any more).
    if (entries.some((entry) => entry.state !== null || from.awarenessIds.has(entry.clientId))) from.budget.chargeAwarenessUpdate();
    awarenessProtocol.applyAwarenessUpdate(
      this.story.awareness,
      encodeAwarenessUpdate(withSessionIdentity(entries, from.user)),
      { source: "connection", connection: from } satisfies UpdateOrigin,
    );
  }

  /** Presence from another process: already checked there, shown here as it is. */
  applyRemote(update: Uint8Array): void {
    // Sizes were judged by the process the presence came from.
    for (const entry of decodeAwarenessUpdate(update, Number.POSITIVE_INFINITY)) {
      if (entry.state === null) this.remoteAwarenessIds.delete(entry.clientId);
      else this.remoteAwarenessIds.add(entry.clientId);
    }
    awarenessProtocol.applyAwarenessUpdate(this.story.awareness, update, FROM_BUS);
  }

  /** A connection left: the presence it spoke for goes. */
  leave(connection: RoomConnection): void {
    if (connection.awarenessIds.size === 0) return;
    awarenessProtocol.removeAwarenessStates(this.story.awareness, [...connection.awarenessIds], {
      source: "connection",
      connection,
    } satisfies UpdateOrigin);
  }

  /** Everyone's presence (answer to query-awareness). */
  snapshot(): Uint8Array {
    const awareness = this.story.awareness;
    return awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(awareness, [...awareness.getStates().keys()]));
  }

  stop(): void {
    this.story.awareness.off("update", this.onAwarenessUpdate);
  }

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    rawOrigin: unknown,
  ) => {
    const origin = originOf(rawOrigin);
    const from = origin?.source === "connection" && this.story.connections.has(origin.connection) ? origin.connection : null;
    if (from) {
      for (const id of [...added, ...updated]) from.awarenessIds.add(id);
      for (const id of removed) from.awarenessIds.delete(id);
    }
    const changed = [...added, ...updated, ...removed];
    const encoded = awarenessProtocol.encodeAwarenessUpdate(this.story.awareness, changed);
    this.story.broadcast(awarenessMessage(encoded));
    if (origin?.source !== "bus") this.publish?.(encoded);
  };
}
