import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import type { Db } from "../../db/client";
import { MESSAGE_ACCESS } from "../../newsroom/collabMessages";
import { canEditArticle, type Actor, type ArticleAccessFacts } from "../../newsroom/permissions";
import { storyTitle } from "../../newsroom/storyBlocks";
import {
  AwarenessRejected,
  MAX_AWARENESS_CLIENTS_PER_CONNECTION,
  decodeAwarenessUpdate,
  encodeAwarenessUpdate,
  withSessionIdentity,
  type AwarenessUser,
} from "./awarenessIdentity";
import type { CheckpointScheduler } from "./checkpointScheduler";
import { clientClocksOf, type ClientOwners } from "./clientOwners";
import type { CommitListener, GroupCommitWriter } from "./groupCommit";
import { accessMessage, awarenessMessage, savedMessage, syncStep1Message, updateMessage } from "./protocolMessages";
import { shouldSnapshot, shouldSnapshotOnUnload, type TailSize } from "./snapshotPolicy";
import type { StoredDocument } from "./updateLog";
import { writeSnapshot } from "./updateLog";

/** A socket in a room, as the room sees it. */
export interface RoomConnection {
  readonly user: AwarenessUser;
  /** Who is connected, as the permission rules see them. */
  readonly actor: Actor;
  /** Awareness client ids this connection speaks for (removed when it leaves). */
  readonly awarenessIds: Set<number>;
  send(message: Uint8Array): void;
}

/** Thrown for a client update the server cannot decode: the sender is disconnected. */
export class MalformedUpdate extends Error {}

/** Thrown for new content under another user's Yjs client id (forged authorship). */
export class ForgedAuthorship extends Error {}

/** An edit the server makes on a user's behalf (a restore): logged as that user's. */
export interface ServerEdit {
  readonly userId: string;
}

type CommitState = { savedVector: Uint8Array };

/**
 * One loaded story: its Y.Doc, presence, connections and persistence bookkeeping. Every update
 * a connection sends is applied, appended to the log with the sender's user id, relayed to the
 * others, and acknowledged with the saved vector once committed.
 */
export class Room implements CommitListener<CommitState> {
  /** No garbage collection: deleted text stays, so versions can be compared and restored. */
  readonly doc = new Y.Doc({ gc: false });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly connections = new Set<RoomConnection>();
  /** The committed state vector, as last announced. */
  private savedVector: Uint8Array;
  private lastUpdateId: number;
  private uncommitted = 0;
  private tail: TailSize;
  private snapshotting: Promise<void> | null = null;

  constructor(
    readonly articleId: string,
    /** The article's state and members: who may write is decided from these on every update. */
    private facts: ArticleAccessFacts,
    stored: StoredDocument,
    /** Who owns each Yjs client id of this story (authorship). */
    private readonly owners: ClientOwners,
    private readonly db: Db,
    private readonly writer: GroupCommitWriter,
    private readonly checkpoints: CheckpointScheduler,
  ) {
    this.awareness.setLocalState(null);
    if (stored.state) Y.applyUpdate(this.doc, stored.state, this);
    this.savedVector = Y.encodeStateVector(this.doc);
    this.lastUpdateId = stored.lastUpdateId;
    this.tail = {
      rowsSinceSnapshot: stored.rowsSinceSnapshot,
      bytesSinceSnapshot: stored.bytesSinceSnapshot,
      snapshotBytes: stored.snapshotBytes,
    };
    this.doc.on("update", this.onDocUpdate);
    this.awareness.on("update", this.onAwarenessUpdate);
  }

  /** Sends a newcomer the server's state vector, everyone's presence and the saved vector. */
  join(connection: RoomConnection): void {
    this.connections.add(connection);
    connection.send(syncStep1Message(this.doc));
    const present = [...this.awareness.getStates().keys()];
    if (present.length > 0) {
      connection.send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, present)));
    }
    connection.send(savedMessage(this.savedVector));
    connection.send(accessMessage({ state: this.facts.state, canWrite: this.canWrite(connection) }));
  }

  /** Read-only connections get the document, but their sync updates are dropped. */
  canWrite(connection: RoomConnection): boolean {
    return canEditArticle(connection.actor, this.facts);
  }

  /**
   * A workflow change (state, members): from now on writes are judged by the new facts, and
   * every client hears what it may do so the editor can lock or unlock at once.
   */
  updateAccess(facts: ArticleAccessFacts): void {
    this.facts = facts;
    for (const connection of this.connections) {
      connection.send(accessMessage({ state: facts.state, canWrite: this.canWrite(connection) }));
    }
  }

  leave(connection: RoomConnection): void {
    if (!this.connections.delete(connection)) return;
    if (connection.awarenessIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...connection.awarenessIds], connection);
    }
  }

  /** Applies a sync step 2 or update from a connection allowed to write. */
  applyClientUpdate(update: Uint8Array, from: RoomConnection): void {
    this.applyAs(update, from, from.user.id);
  }

  /** Applies an update the server made for `edit.userId` (restoring a version). */
  applyServerEdit(update: Uint8Array, edit: ServerEdit): void {
    this.applyAs(update, edit, edit.userId);
  }

  /**
   * Decodes first (a malformed update is refused before any of it touches the doc), checks
   * that new content under an existing client id comes from that id's owner, then applies.
   * Client ids seen for the first time become the sender's.
   */
  private applyAs(update: Uint8Array, origin: RoomConnection | ServerEdit, userId: string): void {
    let clocks: Map<number, number>;
    try {
      clocks = clientClocksOf(Y.decodeUpdate(update));
    } catch (err) {
      throw new MalformedUpdate((err as Error).message);
    }
    for (const [client, end] of clocks) {
      if (!this.owners.has(client)) {
        this.owners.set(client, userId);
        this.unrecordedOwners.push([client, userId]);
      } else if (this.owners.get(client) !== userId && end > Y.getState(this.doc.store, client)) {
        throw new ForgedAuthorship(`client ${client} belongs to someone else`);
      }
    }
    Y.applyUpdate(this.doc, update, origin);
  }

  /** Owners claimed in memory whose rows go to the database with the next logged update. */
  private unrecordedOwners: [number, string | null][] = [];

  /** Applies a presence update, with the sender's identity forced to the session's. */
  applyClientAwareness(update: Uint8Array, from: RoomConnection): void {
    const entries = decodeAwarenessUpdate(update).filter((entry) => {
      // A client may not speak for (or remove) someone else's presence.
      const owner = this.awarenessOwner(entry.clientId);
      return owner === null || owner === from;
    });
    const newIds = entries.filter((e) => !from.awarenessIds.has(e.clientId)).length;
    if (from.awarenessIds.size + newIds > MAX_AWARENESS_CLIENTS_PER_CONNECTION) throw new AwarenessRejected("too many awareness clients");
    if (entries.length === 0) return;
    awarenessProtocol.applyAwarenessUpdate(
      this.awareness,
      encodeAwarenessUpdate(withSessionIdentity(entries, from.user)),
      from,
    );
  }

  /** Everyone's presence (answer to query-awareness). */
  awarenessSnapshot(): Uint8Array {
    return awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()]));
  }

  /** Distinct people connected now, for the dashboard. */
  presentUsers(): AwarenessUser[] {
    const byId = new Map<string, AwarenessUser>();
    for (const connection of this.connections) byId.set(connection.user.id, connection.user);
    return [...byId.values()];
  }

  get hasUncommitted(): boolean {
    return this.uncommitted > 0;
  }

  captureCommitState(): CommitState & { title: string } {
    return { savedVector: Y.encodeStateVector(this.doc), title: storyTitle(this.doc) };
  }

  onCommitted(state: CommitState, committed: { lastUpdateId: number; rows: number; bytes: number }): void {
    this.uncommitted -= committed.rows;
    this.lastUpdateId = Math.max(this.lastUpdateId, committed.lastUpdateId);
    this.tail.rowsSinceSnapshot += committed.rows;
    this.tail.bytesSinceSnapshot += committed.bytes;
    this.savedVector = state.savedVector;
    const message = savedMessage(state.savedVector);
    for (const connection of this.connections) connection.send(message);
    if (shouldSnapshot(this.tail)) this.snapshot();
    this.checkpoints.noteEdit();
  }

  /**
   * Folds the log into a snapshot, but only when the doc holds exactly the committed log (no
   * update waiting for commit): then the snapshot is precisely "log rows up to lastUpdateId".
   */
  private snapshot(): Promise<void> {
    if (this.snapshotting || this.uncommitted > 0 || this.tail.rowsSinceSnapshot === 0) {
      return this.snapshotting ?? Promise.resolve();
    }
    const state = Y.encodeStateAsUpdate(this.doc);
    const upTo = this.lastUpdateId;
    const folded = { rows: this.tail.rowsSinceSnapshot, bytes: this.tail.bytesSinceSnapshot };
    this.snapshotting = writeSnapshot(this.db, this.articleId, upTo, state)
      .then(() => {
        this.tail = {
          rowsSinceSnapshot: this.tail.rowsSinceSnapshot - folded.rows,
          bytesSinceSnapshot: this.tail.bytesSinceSnapshot - folded.bytes,
          snapshotBytes: state.byteLength,
        };
      })
      .catch((err) => console.error(`[collab] snapshot of ${this.articleId} failed:`, (err as Error).message))
      .finally(() => {
        this.snapshotting = null;
      });
    return this.snapshotting;
  }

  /** Stores what is pending, folds a long tail into a snapshot, and frees the document. */
  async close(): Promise<void> {
    await this.writer.drain();
    await this.snapshotting;
    if (shouldSnapshotOnUnload(this.tail)) await this.snapshot();
    await this.checkpoints.flush();
    this.doc.off("update", this.onDocUpdate);
    this.awareness.off("update", this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }

  private awarenessOwner(clientId: number): RoomConnection | null {
    for (const connection of this.connections) if (connection.awarenessIds.has(clientId)) return connection;
    return null;
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === this) return; // the load itself
    const sender = this.connections.has(origin as RoomConnection) ? (origin as RoomConnection) : null;
    const userId = sender?.user.id ?? (origin as ServerEdit | null)?.userId ?? null;
    this.uncommitted += 1;
    this.writer.append(this, userId, update, this.unrecordedOwners.splice(0));
    const message = updateMessage(update);
    for (const connection of this.connections) if (connection !== sender) connection.send(message);
  };

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => {
    const from = this.connections.has(origin as RoomConnection) ? (origin as RoomConnection) : null;
    if (from) {
      for (const id of [...added, ...updated]) from.awarenessIds.add(id);
      for (const id of removed) from.awarenessIds.delete(id);
    }
    const changed = [...added, ...updated, ...removed];
    // Sent to the sender too: y-websocket clients treat 30 s without any message as a dead link.
    const message = awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    for (const connection of this.connections) connection.send(message);
  };
}
