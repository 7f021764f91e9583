import "server-only";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import type { RoomConnection } from "./roomConnection";
import { FROM_STORE } from "./updateOrigin";

/**
 * The document core of a room (Hocuspocus's `Document`): one story's Y.Doc, its presence and
 * the connections in it, and sending to them. It judges nothing and stores nothing: the
 * message handlers decide what may enter, the commit gate what may leave.
 */
export class StoryDocument {
  /** No garbage collection: deleted text stays, so versions can be compared and restored. */
  readonly doc = new Y.Doc({ gc: false });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly connections = new Set<RoomConnection>();

  constructor(stored: Uint8Array | null) {
    this.awareness.setLocalState(null);
    if (stored) Y.applyUpdate(this.doc, stored, FROM_STORE);
  }

  /** Sends to every connection but `except`. */
  broadcast(message: Uint8Array, except: RoomConnection | null = null): void {
    for (const connection of this.connections) if (connection !== except) connection.send(message);
  }

  /** Closes every connection (the story reloads or unloads) and forgets them. */
  closeAll(code: number, reason: string): void {
    for (const connection of this.connections) connection.close(code, reason);
    this.connections.clear();
  }

  /** The connection that speaks for an awareness client id, if any. */
  awarenessOwner(clientId: number): RoomConnection | null {
    for (const connection of this.connections) if (connection.awarenessIds.has(clientId)) return connection;
    return null;
  }

  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
  }
}
