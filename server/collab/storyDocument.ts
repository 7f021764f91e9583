import "server-only";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { verbatimDoc } from "../storyLog/verbatimDoc";
import type { RoomConnection } from "./roomConnection";
import { FROM_STORE, type UpdateOrigin } from "./updateOrigin";

/**
 * The document core of a room (Hocuspocus's `Document`): one story's Y.Doc, its presence and
 * the connections in it, and sending to them. It judges nothing and stores nothing: the
 * message handlers decide what may enter, the commit gate what may leave.
 */
export class StoryDocument {
  /** Exactly what was applied: the server never edits on its own (`verbatimDoc.ts`). */
  readonly doc = verbatimDoc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly connections = new Set<RoomConnection>();

  constructor(stored: Uint8Array | null) {
    this.awareness.setLocalState(null);
    if (stored) this.apply(stored, FROM_STORE);
  }

  /** Applies an update with its typed origin (the room acts on that origin alone). */
  apply(update: Uint8Array, origin: UpdateOrigin): void {
    Y.applyUpdate(this.doc, update, origin);
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

