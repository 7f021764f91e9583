import "server-only";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { CLOSE_SAVE_FAILED } from "../../newsroom/collabMessages";
import type { ArticleAccessFacts } from "../../newsroom/actor";
import { can } from "../../newsroom/policy";
import { storyTitle } from "../../newsroom/storyBlocks";
import { clientClocksOf } from "../storyLog/clientOwners";
import { DEFAULT_SNAPSHOT_LIMITS, type SnapshotLimits } from "../storyLog/snapshotPolicy";
import type { ClientOwners, NewOwners, StoredDocument, StoryStore } from "../storyLog/storyStore";
import type { AwarenessUser } from "./awarenessIdentity";
import type { CheckpointScheduler } from "./checkpointScheduler";
import { ClientUpdates, decodeUpdate } from "./clientUpdates";
import { CommitGate } from "./commitGate";
import { CommitQueueFull, type CommitListener, type CommitResult, type GroupCommitWriter } from "./groupCommit";
import { EditNotSaved } from "./liveAccess";
import { PresenceMessages } from "./presenceMessages";
import { accessMessage, awarenessMessage, syncStep1Message, updateMessage } from "./protocolMessages";
import type { RoomConnection } from "./roomConnection";
import { SnapshotKeeper } from "./snapshotKeeper";
import { StoryDocument } from "./storyDocument";
import { FROM_BUS, originOf } from "./updateOrigin";

export type { RoomConnection } from "./roomConnection";
export { DeletesAhead, ForgedAuthorship, MalformedUpdate } from "./clientUpdates";

/** Close code asking a client to reconnect (the server reloads the story). */
export const CLOSE_RELOAD = 1012;

/** An edit the server makes on a user's behalf (a restore): logged as that user's. */
export interface ServerEdit {
  readonly userId: string;
}

/**
 * How a room reaches the same story open in other server processes (scale-out). Only
 * committed updates are published; the embedded default has no relay.
 */
export interface RoomRelay {
  publishUpdate(update: Uint8Array, newOwners: NewOwners): void;
  publishAwareness(update: Uint8Array): void;
}

/** What a room appends with each update: its place in the room's order of local updates. */
type CommitState = { seq: number };

/**
 * One loaded story, split by concern (Hocuspocus's Document / hooks): the document core
 * (`StoryDocument`: doc, presence, connections, sending), the message handlers that judge what
 * enters (`ClientUpdates`: authorship, schema, budgets, parked updates; `PresenceMessages`),
 * the commit gate that holds what may leave only once committed and says what is saved
 * (`CommitGate`), and listeners after each commit (snapshots by tail size, checkpoints, and the
 * relay to other processes as the gate releases). The room itself only wires them: every
 * change is applied with a typed origin (`updateOrigin.ts`), appended to the log with its
 * sender when it came from a connection or the server, and relayed and acknowledged once
 * committed.
 */
export class Room implements CommitListener<CommitState> {
  private readonly story: StoryDocument;
  private readonly updates: ClientUpdates;
  private readonly presence: PresenceMessages;
  private readonly gate: CommitGate;
  private readonly snapshots: SnapshotKeeper;
  private lastUpdateId: number;

  constructor(
    readonly articleId: string,
    /** The article's state and members: who may write is decided from these on every update. */
    private facts: ArticleAccessFacts,
    stored: StoredDocument,
    /** Who owns each Yjs client id of this story (authorship). */
    private readonly owners: ClientOwners,
    store: StoryStore,
    private readonly writer: GroupCommitWriter,
    private readonly checkpoints: CheckpointScheduler,
    relay: RoomRelay | null = null,
    /** How long the log tail may grow before it is folded into a snapshot. */
    snapshotLimits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS,
  ) {
    this.story = new StoryDocument(stored.state);
    this.updates = new ClientUpdates(this.story, articleId, owners);
    this.presence = new PresenceMessages(this.story, relay ? (update) => relay.publishAwareness(update) : null);
    this.gate = new CommitGate(this.story, articleId, relay ? (update, newOwners) => relay.publishUpdate(update, newOwners) : null);
    this.snapshots = new SnapshotKeeper(articleId, stored, store, snapshotLimits);
    this.lastUpdateId = stored.lastUpdateId;
    this.story.doc.on("update", this.onDocUpdate);
  }

  get doc(): Y.Doc {
    return this.story.doc;
  }

  get awareness(): awarenessProtocol.Awareness {
    return this.story.awareness;
  }

  get connections(): Set<RoomConnection> {
    return this.story.connections;
  }

  /** Sends a newcomer the server's state vector, everyone's presence and the saved vector. */
  join(connection: RoomConnection): void {
    this.story.connections.add(connection);
    connection.send(syncStep1Message(this.story.doc));
    const awareness = this.story.awareness;
    const present = [...awareness.getStates().keys()];
    if (present.length > 0) connection.send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(awareness, present)));
    connection.send(this.gate.savedMessage());
    connection.send(accessMessage({ state: this.facts.state, canWrite: this.canWrite(connection) }));
  }

  /**
   * Answers a sync step 1: what the server has beyond the client's state vector, sent once
   * everything in it is committed.
   */
  answerSyncStep1(connection: RoomConnection, stateVector: Uint8Array): void {
    this.gate.answerSyncStep1(connection, stateVector);
  }

  /** Read-only connections get the document, but their sync updates are dropped. */
  canWrite(connection: RoomConnection): boolean {
    return can(connection.actor, "edit", this.facts);
  }

  /**
   * A workflow change (state, members): from now on writes are judged by the new facts, and
   * every client hears what it may do so the editor can lock or unlock at once.
   */
  updateAccess(facts: ArticleAccessFacts): void {
    this.facts = facts;
    for (const connection of this.story.connections) {
      connection.send(accessMessage({ state: facts.state, canWrite: this.canWrite(connection) }));
    }
  }

  leave(connection: RoomConnection): void {
    this.updates.forget(connection);
    this.gate.forget(connection);
    if (!this.story.connections.delete(connection)) return;
    this.presence.leave(connection);
  }

  /**
   * Applies a sync step 2 or update from a connection allowed to write, once it is inside the
   * editor's schema and the connection's budgets (`clientUpdates.ts`).
   */
  applyClientUpdate(update: Uint8Array, from: RoomConnection): void {
    this.updates.apply(update, from);
  }

  /** An update another process committed: applied and passed on to this process's clients. */
  applyRemoteUpdate(update: Uint8Array, newOwners: NewOwners): void {
    for (const [client, userId] of newOwners) if (!this.owners.has(client)) this.owners.set(client, userId);
    this.story.apply(update, FROM_BUS);
    this.updates.retryParked();
  }

  /** Presence from another process: already checked there, shown here as it is. */
  applyRemoteAwareness(update: Uint8Array): void {
    this.presence.applyRemote(update);
  }

  /** Applies a presence update, with the sender's identity forced to the session's. */
  applyClientAwareness(update: Uint8Array, from: RoomConnection): void {
    this.presence.applyClient(update, from);
  }

  /** Everyone's presence (answer to query-awareness). */
  awarenessSnapshot(): Uint8Array {
    return this.presence.snapshot();
  }

  /** Distinct people connected now who may write (the dashboard's 正在编辑). */
  presentUsers(): AwarenessUser[] {
    const byId = new Map<string, AwarenessUser>();
    // The dashboard says 正在编辑: a colleague reading along (read-only) is not editing.
    for (const connection of this.story.connections) if (this.canWrite(connection)) byId.set(connection.user.id, connection.user);
    return [...byId.values()];
  }

  get hasUncommitted(): boolean {
    return this.gate.uncommitted > 0;
  }

  /**
   * Applies an update the server made for `edit.userId` (restoring a version). Resolves once
   * it is committed; rejects with EditNotSaved if it was not queued (queue full), refused at
   * commit, or given up, so the caller never reports an edit that is not stored.
   */
  applyServerEdit(update: Uint8Array, edit: ServerEdit): Promise<void> {
    this.updates.checkAuthorship(clientClocksOf(decodeUpdate(update)), edit.userId);
    if (this.evicted) return Promise.reject(new EditNotSaved(`${this.articleId} is reloading`));
    const before = this.gate.nextSeq;
    this.story.apply(update, { source: "server", userId: edit.userId });
    if (this.evicted) return Promise.reject(new EditNotSaved(`${this.articleId}: the edit could not be queued for saving`));
    // Nothing changed (already the target content): nothing to wait for.
    if (this.gate.nextSeq === before) return Promise.resolve();
    return this.gate.whenCommitted(this.gate.nextSeq - 1);
  }

  currentTitle(): string {
    return storyTitle(this.story.doc);
  }

  onCommitted(state: CommitState | null, committed: CommitResult): void {
    this.lastUpdateId = Math.max(this.lastUpdateId, committed.lastUpdateId);
    this.snapshots.record(committed);
    const refused = this.gate.committed(committed);
    if (refused.size > 0) this.discardRefused(refused.size);
    this.gate.release();
    // "saved" advances with every batch and never covers an update still queued. None
    // stored: nothing new.
    if (this.evicted || state === null) return;
    const saved = this.gate.foldSaved(state.seq);
    for (const connection of this.story.connections) if (this.writers.has(connection)) connection.send(saved);
    // Listeners after each commit that stored something.
    this.snapshots.afterCommit(this.gate.uncommitted === 0);
    this.checkpoints.noteEdit();
  }

  /**
   * The writer gave up on this story's updates (the database kept refusing them): they are in
   * this document and nowhere else. Their relays are dropped and every client reconnects with
   * CLOSE_SAVE_FAILED to a fresh load from the database (a stock client then sends its edits
   * again, to a new attempt).
   */
  onCommitFailed(err: Error): void {
    this.gate.givenUp(err);
    this.reloadUnsaved("could not save, reloading", err.message);
  }

  /** Stores what is pending, folds a long tail into a snapshot, and frees the document. */
  async close(): Promise<void> {
    // Only this story's updates: another story the database is stuck on must not hold it up.
    await this.writer.drainStory(this);
    await this.snapshots.beforeUnload();
    await this.checkpoints.flush();
    this.story.doc.off("update", this.onDocUpdate);
    this.presence.stop();
    this.story.destroy();
  }

  /** Set when this document holds an update the database refused: it must be loaded afresh. */
  private evicted = false;
  private onEvicted: (() => void) | null = null;

  /** Called once if the room must be dropped and loaded again from the database. */
  whenEvicted(listener: () => void): void {
    this.onEvicted = listener;
  }

  /**
   * Connections whose updates changed the document: only they have edits whose saving they
   * wait for, so only they get "saved" after each commit (a hundred readers need none of them).
   * Marked when the document changes, not on receipt: every stock client answers the server's
   * sync step 1 with a (usually empty) sync step 2.
   */
  private readonly writers = new WeakSet<RoomConnection>();

  /**
   * Updates the database refused (another process committed a workflow change first, or the
   * writer's session or account ended) are in this document but nowhere else. Their relays are
   * dropped (by the gate); every connection is closed with 1012 so its client reconnects to a
   * fresh load, where the rules as stored decide again (read-only, or 4401 for an ended session).
   */
  private discardRefused(count: number): void {
    console.warn(`[collab] ${count} update(s) to ${this.articleId} refused at commit: reloading the story`);
    // Other processes still get the accepted updates (the gate's release); local clients reload.
    this.evict(CLOSE_RELOAD, "story changed, reloading");
  }

  /**
   * Closes every connection with CLOSE_SAVE_FAILED and unloads the room: it holds an update
   * that will never be saved. Updates still queued are stored (and relayed) as usual.
   */
  private reloadUnsaved(reason: string, why: string): void {
    if (this.evicted) return;
    console.warn(`[collab] ${this.articleId}: ${reason} (${why})`);
    this.evict(CLOSE_SAVE_FAILED, reason);
  }

  private evict(code: number, reason: string): void {
    if (this.evicted) return;
    this.evicted = true;
    this.gate.close();
    this.story.closeAll(code, reason);
    this.onEvicted?.();
  }

  private readonly onDocUpdate = (update: Uint8Array, rawOrigin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
    const origin = originOf(rawOrigin);
    if (origin?.source === "store") return; // the load itself
    if (origin === null) {
      // A change no one made (StoryDocument keeps Yjs from making any): it would be
      // neither logged nor relayed, so memory would drift from the store. Reload from the store.
      this.reloadUnsaved("an unattributed change to the document, reloading", "null transaction origin");
      return;
    }
    if (origin.source === "bus") {
      // Committed by another process: passed on at once, never logged again.
      this.story.broadcast(updateMessage(update));
      return;
    }
    const from = origin.source === "connection" ? origin.connection : null;
    const sender = from && this.story.connections.has(from) ? from : null;
    if (sender) this.writers.add(sender);
    const userId = from ? from.user.id : (origin as { userId: string }).userId;
    const newOwners = this.updates.claimIntegratedClients(transaction, userId);
    // An evicted document is about to be dropped: nothing more of it may be logged.
    if (this.evicted) return;
    try {
      const author = { userId, actor: from?.actor ?? null, sessionId: from?.sessionId ?? null };
      this.writer.append(this, author, update, newOwners, { seq: this.gate.nextSeq } satisfies CommitState);
    } catch (err) {
      if (!(err instanceof CommitQueueFull)) throw err;
      // This document now holds an update that will never be saved: reload from the database.
      this.reloadUnsaved("server busy, could not save, reloading", err.message);
      return;
    }
    this.gate.applied(update, updateMessage(update), sender, newOwners);
  };
}
