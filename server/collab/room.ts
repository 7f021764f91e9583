import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { CLOSE_FORBIDDEN, CLOSE_MALFORMED, CLOSE_OVER_BUDGET, CLOSE_SAVE_FAILED, MESSAGE_ACCESS } from "../../newsroom/collabMessages";
import type { Actor, ArticleAccessFacts } from "../../newsroom/actor";
import { can } from "../../newsroom/policy";
import { checkUpdateSchema, MissingDependency, OutsideSchema } from "../../newsroom/schemaGuard";
import { storyTitle } from "../../newsroom/storyBlocks";
import { MAX_TITLE_LENGTH } from "../commands/articleCreator";
import {
  AwarenessRejected,
  MAX_AWARENESS_CLIENTS_PER_CONNECTION,
  decodeAwarenessUpdate,
  encodeAwarenessUpdate,
  withSessionIdentity,
  type AwarenessUser,
} from "./awarenessIdentity";
import type { CheckpointScheduler } from "./checkpointScheduler";
import { clientClocksOf } from "../storyLog/clientOwners";
import { EditNotSaved } from "./liveAccess";
import { CommitQueueFull, type CommitListener, type CommitResult, type GroupCommitWriter } from "./groupCommit";
import {
  accessMessage,
  awarenessMessage,
  savedMessage,
  syncStep1Message,
  syncStep2Message,
  updateMessage,
} from "./protocolMessages";
import { closeReason } from "./closeReason";
import { ParkedUpdates, type ParkingLimits } from "./parkedUpdates";
import { OverBudget, type ConnectionBudget } from "./socketBudgets";
import {
  DEFAULT_SNAPSHOT_LIMITS,
  shouldSnapshot,
  shouldSnapshotOnUnload,
  snapshotOverdue,
  type SnapshotLimits,
  type TailSize,
} from "../storyLog/snapshotPolicy";
import type { ClientOwners, NewOwners, StoredDocument, StoryStore } from "../storyLog/storyStore";
import { standingOf, type Dependency } from "./updateDependencies";

/** A socket in a room, as the room sees it. */
export interface RoomConnection {
  readonly user: AwarenessUser;
  /** Who is connected, as the permission rules see them. */
  readonly actor: Actor;
  /** The session the socket was opened with: signing it out ends the socket's writing. */
  readonly sessionId: string | null;
  /** Awareness client ids this connection speaks for (removed when it leaves). */
  readonly awarenessIds: Set<number>;
  send(message: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Whether a sync step 1 may be answered now (false: the connection is over its rate). */
  takeSyncRequest(): boolean;
  /** The socket's (and its account's) budgets: new client ids and pending structs are charged here. */
  readonly budget: ConnectionBudget;
}

/** Close code asking a client to reconnect (the server reloads the story). */
export const CLOSE_RELOAD = 1012;

/** Thrown for a client update the server cannot decode: the sender is disconnected. */
export class MalformedUpdate extends Error {}

/**
 * Thrown for an update deleting content under someone else's client id that the story does not
 * have yet: it would erase her next words inside her own transaction (closed with 4400).
 */
export class DeletesAhead extends MalformedUpdate {}

/** Thrown for new content under another user's Yjs client id (forged authorship). */
export class ForgedAuthorship extends Error {}

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

/** Origin of changes that arrived from another process: already committed, never logged again. */
const REMOTE = Symbol("remote");

/**
 * A message that may leave only once the updates it carries are committed: a client never
 * holds an edit the server could still lose, so after a crash nobody resends someone else's
 * unsaved words (which would look like forged authorship, or hand the words to the wrong
 * person).
 */
interface HeldMessage {
  /** Sent once this many local updates are committed. */
  afterSeq: number;
  message: Uint8Array;
  /** Only to this connection (a sync step 2 answer), or to everyone but `except` (a relay). */
  to: RoomConnection | null;
  except: RoomConnection | null;
  /** The update itself, for other processes, when this is a relay. */
  relay: { update: Uint8Array; newOwners: NewOwners } | null;
}

/** What a room appends with each update: its place in the room's order of local updates. */
type CommitState = { seq: number };

/**
 * One loaded story: its Y.Doc, presence, connections and persistence bookkeeping. Every update
 * a connection sends is applied, appended to the log with the sender's user id, and once
 * committed relayed to the others and acknowledged with the saved vector.
 */
export class Room implements CommitListener<CommitState> {
  /** No garbage collection: deleted text stays, so versions can be compared and restored. */
  readonly doc = new Y.Doc({ gc: false });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly connections = new Set<RoomConnection>();
  /** The committed state vector, as last announced. */
  private savedVector: Uint8Array;
  /**
   * The committed clocks (client id → clock), and the end clocks of each local update not yet
   * committed: "saved" is folded from these per batch (cost: the update's size), never by
   * encoding the whole document's vector per update (cost: its client ids).
   */
  private committedClocks: Map<number, number>;
  private uncommittedEnds: { seq: number; ends: Map<number, number> }[] = [];
  private lastUpdateId: number;
  private uncommitted = 0;
  private tail: TailSize;
  private snapshotting: Promise<void> | null = null;
  /** Local updates applied, and how many of them are committed (the log keeps their order). */
  private appliedSeq = 0;
  private committedSeq = 0;
  private held: HeldMessage[] = [];
  /**
   * Sync step 1 requests waiting for commits, at most one per connection (a newer request
   * replaces the older): only the asker's state vector is kept, and the answer is encoded when
   * it is released, so a burst of requests during a slow commit holds a few bytes, not copies
   * of the story.
   */
  private readonly syncReplies = new Map<RoomConnection, { afterSeq: number; stateVector: Uint8Array }>();
  /** Awareness client ids whose presence came from another process. */
  private readonly remoteAwarenessIds = new Set<number>();

  constructor(
    readonly articleId: string,
    /** The article's state and members: who may write is decided from these on every update. */
    private facts: ArticleAccessFacts,
    stored: StoredDocument,
    /** Who owns each Yjs client id of this story (authorship). */
    private readonly owners: ClientOwners,
    private readonly store: StoryStore,
    private readonly writer: GroupCommitWriter,
    private readonly checkpoints: CheckpointScheduler,
    private readonly relay: RoomRelay | null = null,
    /** How long the log tail may grow before it is folded into a snapshot. */
    private readonly snapshotLimits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS,
  ) {
    this.awareness.setLocalState(null);
    if (stored.state) Y.applyUpdate(this.doc, stored.state, this);
    this.savedVector = Y.encodeStateVector(this.doc);
    this.committedClocks = Y.decodeStateVector(this.savedVector);
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

  /**
   * Answers a sync step 1: what the server has beyond the client's state vector, sent once
   * everything in it is committed.
   */
  answerSyncStep1(connection: RoomConnection, stateVector: Uint8Array): void {
    if (this.appliedSeq <= this.committedSeq) {
      this.syncReplies.delete(connection);
      connection.send(syncStep2Message(this.doc, stateVector));
      return;
    }
    this.syncReplies.set(connection, { afterSeq: this.appliedSeq, stateVector });
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
    for (const connection of this.connections) {
      connection.send(accessMessage({ state: facts.state, canWrite: this.canWrite(connection) }));
    }
  }

  leave(connection: RoomConnection): void {
    this.parked.drop(connection);
    this.syncReplies.delete(connection);
    this.pendingBy.delete(connection);
    if (!this.connections.delete(connection)) return;
    if (connection.awarenessIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...connection.awarenessIds], connection);
    }
  }

  /**
   * Applies a sync step 2 or update from a connection allowed to write, once it is inside the
   * editor's schema and the connection's budgets (new client ids, pending structs). An update
   * that builds on content the story does not have yet waits (`parkedUpdates.ts`).
   */
  applyClientUpdate(update: Uint8Array, from: RoomConnection): void {
    const waiting = this.tryClientUpdate(update, from);
    if (waiting) {
      this.parked.park({ connection: from, update, ...waiting }, this.parkingLimits(from));
      return;
    }
    this.retryParked();
  }

  /** Updates of each connection that cannot be checked or applied yet (`parkedUpdates.ts`). */
  private readonly parked = new ParkedUpdates<RoomConnection>();

  private parkingLimits(connection: RoomConnection): ParkingLimits {
    return { maxBytes: connection.budget.limits.maxPendingBytes, maxUpdates: connection.budget.limits.maxParkedUpdates };
  }

  /**
   * Tries again, whoever sent them, the parked updates whose missing piece the story now has
   * (one clock lookup per client id waited for: nothing is decoded before it can move).
   * A refused one closes its own connection, never the one whose update let it move.
   */
  private retryParked(): void {
    for (;;) {
      const ready = this.parked.takeReady((client) => Y.getState(this.doc.store, client));
      if (ready.length === 0) return;
      for (const entry of ready) {
        const connection = entry.connection;
        if (!this.connections.has(connection)) continue;
        try {
          connection.budget.chargeRetry(entry.update.byteLength);
          const waiting = this.tryClientUpdate(entry.update, connection, entry.deletesAheadIn);
          if (waiting) this.parked.park({ connection, update: entry.update, order: entry.order, ...waiting }, this.parkingLimits(connection));
        } catch (err) {
          this.parked.drop(connection);
          this.closeRefused(connection, err as Error);
        }
      }
    }
  }

  /** Closes a connection whose parked update was refused, with the code its refusal has. */
  private closeRefused(connection: RoomConnection, err: Error): void {
    console.warn(`[collab] closed a connection to ${this.articleId}: ${err.message}`);
    if (err instanceof ForgedAuthorship) connection.close(CLOSE_FORBIDDEN, "not your client id");
    else if (err instanceof OverBudget) connection.close(CLOSE_OVER_BUDGET, closeReason(err.message));
    else if (err instanceof OutsideSchema) connection.close(CLOSE_MALFORMED, closeReason(`outside the schema: ${err.message}`));
    else if (err instanceof DeletesAhead) connection.close(CLOSE_MALFORMED, closeReason(err.message));
    else connection.close(CLOSE_MALFORMED, "malformed message");
  }

  /**
   * Checks and applies one client update; returns what it waits for when it cannot be judged
   * yet (it starts past the story's clock for one of its client ids, builds on content the
   * story does not have, or deletes content the story does not have), null once applied.
   * Nothing accepted is left for Yjs to keep pending. Refusals (forged authorship, deletes
   * ahead under someone else's id, outside the schema, over budget) throw.
   */
  private tryClientUpdate(
    update: Uint8Array,
    from: RoomConnection,
    deletedAheadBefore: readonly number[] = [],
  ): { waitsFor: Dependency; deletesAheadIn: number[] } | null {
    const decoded = decodeUpdate(update);
    const clocks = clientClocksOf(decoded);
    this.checkAuthorship(clocks, from.user.id);
    const standing = standingOf(this.doc, decoded);
    const deletesAheadIn = [...new Set([...deletedAheadBefore, ...standing.deletesAheadIn])];
    for (const client of deletesAheadIn) {
      const owner = this.owners.get(client);
      if (owner !== undefined && owner !== from.user.id) {
        throw new DeletesAhead(`deletes content of client ${client} the story does not have`);
      }
    }
    if (standing.waitsFor) return { waitsFor: standing.waitsFor, deletesAheadIn };
    try {
      checkUpdateSchema(this.doc, decoded, { maxTitleLength: MAX_TITLE_LENGTH });
    } catch (err) {
      // Every dependency is in the story (checked above), yet one is not an item: gone for good.
      if (err instanceof MissingDependency) throw new MalformedUpdate("builds on content the story no longer has");
      throw err;
    }
    let unowned = 0;
    for (const client of clocks.keys()) if (!this.owners.has(client)) unowned += 1;
    from.budget.chargeNewClientIds(unowned);
    const pendingBefore = pendingBytes(this.doc);
    Y.applyUpdate(this.doc, update, from);
    this.chargePending(from, pendingBytes(this.doc) - pendingBefore);
    return null;
  }

  /** Bytes of pending structs each connection added since the story last had none. */
  private readonly pendingBy = new Map<RoomConnection, number>();

  /**
   * What Yjs still keeps pending after an update was judged (chiefly deletes of content the
   * story does not have) sits in memory, and Yjs re-merges it on every later update. They are never logged,
   * so dropping them loses nothing stored; past the budget the story's pending structs are
   * dropped and the connection that added them is closed.
   */
  private chargePending(from: RoomConnection, added: number): void {
    const total = pendingBytes(this.doc);
    if (total === 0) {
      this.pendingBy.clear();
      return;
    }
    const own = (this.pendingBy.get(from) ?? 0) + Math.max(0, added);
    this.pendingBy.set(from, own);
    const limit = from.budget.limits.maxPendingBytes;
    if (own <= limit && total <= limit) return;
    if (total > limit) {
      this.doc.store.pendingStructs = null;
      this.doc.store.pendingDs = null;
      this.pendingBy.clear();
    } else {
      this.pendingBy.delete(from);
    }
    throw new OverBudget("over COLLAB_MAX_PENDING_BYTES (updates that cannot be applied)");
  }

  /**
   * Connections whose updates changed the document: only they have edits whose saving they
   * wait for, so only they get "saved" after each commit (a hundred readers need none of them).
   * Marked when the document changes, not on receipt: every stock client answers the server's
   * sync step 1 with a (usually empty) sync step 2.
   */
  private readonly writers = new WeakSet<RoomConnection>();

  /**
   * Applies an update the server made for `edit.userId` (restoring a version). Resolves once
   * it is committed; rejects with EditNotSaved if it was not queued (queue full), refused at
   * commit, or given up, so the caller never reports an edit that is not stored.
   */
  applyServerEdit(update: Uint8Array, edit: ServerEdit): Promise<void> {
    this.checkAuthorship(clientClocksOf(decodeUpdate(update)), edit.userId);
    if (this.evicted) return Promise.reject(new EditNotSaved(`${this.articleId} is reloading`));
    const before = this.appliedSeq;
    Y.applyUpdate(this.doc, update, edit);
    if (this.evicted) return Promise.reject(new EditNotSaved(`${this.articleId}: the edit could not be queued for saving`));
    // Nothing changed (already the target content): nothing to wait for.
    if (this.appliedSeq === before) return Promise.resolve();
    const seq = this.appliedSeq;
    return new Promise((resolve, reject) => this.serverEditWaiters.push({ seq, resolve, reject }));
  }

  /** Server edits waiting to hear that their update is committed (or never will be). */
  private serverEditWaiters: { seq: number; resolve(): void; reject(err: Error): void }[] = [];

  /** Tells waiting server edits whose update is now committed, refused or given up. */
  private settleServerEdits(refusedSeqs: ReadonlySet<number>, givenUp: Error | null): void {
    if (this.serverEditWaiters.length === 0) return;
    const waiting: typeof this.serverEditWaiters = [];
    for (const waiter of this.serverEditWaiters) {
      if (refusedSeqs.has(waiter.seq)) waiter.reject(new EditNotSaved(`${this.articleId}: the edit was refused at commit`));
      else if (waiter.seq <= this.committedSeq) waiter.resolve();
      else if (givenUp) waiter.reject(new EditNotSaved(`${this.articleId}: ${givenUp.message}`));
      else waiting.push(waiter);
    }
    this.serverEditWaiters = waiting;
  }

  /**
   * New content under a client id that already belongs to someone else is forged authorship.
   * Ids nobody owns yet are not claimed here: they become the sender's only once a struct
   * under them is integrated (`claimIntegratedClients`), so a struct that can never be applied
   * (sent under a colleague's id, far ahead of her clock) cannot take her id away.
   */
  private checkAuthorship(clocks: Map<number, number>, userId: string): void {
    for (const [client, end] of clocks) {
      const owner = this.owners.get(client);
      if (owner !== undefined && owner !== userId && end > Y.getState(this.doc.store, client)) {
        throw new ForgedAuthorship(`client ${client} belongs to someone else`);
      }
    }
  }

  /** Client ids whose clock this transaction advanced and that nobody owned: now `userId`'s. */
  private claimIntegratedClients(transaction: Y.Transaction, userId: string | null): NewOwners {
    const claimed: [number, string | null][] = [];
    for (const [client, after] of transaction.afterState) {
      if (after > (transaction.beforeState.get(client) ?? 0) && !this.owners.has(client)) {
        this.owners.set(client, userId);
        claimed.push([client, userId]);
      }
    }
    return claimed;
  }

  /** An update another process committed: applied and passed on to this process's clients. */
  applyRemoteUpdate(update: Uint8Array, newOwners: NewOwners): void {
    for (const [client, userId] of newOwners) if (!this.owners.has(client)) this.owners.set(client, userId);
    Y.applyUpdate(this.doc, update, REMOTE);
    this.retryParked();
  }

  /** Presence from another process: already checked there, shown here as it is. */
  applyRemoteAwareness(update: Uint8Array): void {
    // Sizes were judged by the process the presence came from.
    for (const entry of decodeAwarenessUpdate(update, Number.POSITIVE_INFINITY)) {
      if (entry.state === null) this.remoteAwarenessIds.delete(entry.clientId);
      else this.remoteAwarenessIds.add(entry.clientId);
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE);
  }

  /** Applies a presence update, with the sender's identity forced to the session's. */
  applyClientAwareness(update: Uint8Array, from: RoomConnection): void {
    // A client may not speak for (or remove) someone else's presence. Stock clients echo
    // everyone's presence back; those entries are dropped here, not counted against the sender.
    const entries = decodeAwarenessUpdate(update, from.budget.limits.maxAwarenessStateBytes).filter((entry) => {
      const owner = this.awarenessOwner(entry.clientId);
      if (owner !== null) return owner === from;
      return !this.remoteAwarenessIds.has(entry.clientId);
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

  currentTitle(): string {
    return storyTitle(this.doc);
  }

  onCommitted(state: CommitState | null, committed: CommitResult): void {
    const handled = committed.updates + committed.refused.length;
    this.uncommitted -= handled;
    this.lastUpdateId = Math.max(this.lastUpdateId, committed.lastUpdateId);
    this.tail.rowsSinceSnapshot += committed.rows;
    this.tail.bytesSinceSnapshot += committed.bytes;
    const refusedSeqs = new Set(committed.refused.map((position) => this.committedSeq + 1 + position));
    if (refusedSeqs.size > 0) this.discardRefused([...refusedSeqs]);
    this.committedSeq += handled;
    this.settleServerEdits(refusedSeqs, null);
    this.releaseHeld();
    // "saved" advances with every batch and never covers an update still queued: the clocks of
    // the updates up to the batch's last stored one are folded in. None stored: nothing new.
    if (this.evicted || state === null) return;
    this.savedVector = this.foldCommitted(state.seq);
    const message = savedMessage(this.savedVector);
    for (const connection of this.connections) if (this.writers.has(connection)) connection.send(message);
    // Folding a snapshot re-reads the tail: not in the middle of a burst, only once it is
    // stored, unless the story never pauses and the tail has grown past twice the limits.
    const quiet = this.uncommitted === 0;
    if ((quiet && shouldSnapshot(this.tail, this.snapshotLimits)) || snapshotOverdue(this.tail, this.snapshotLimits)) {
      void this.snapshot();
    }
    this.checkpoints.noteEdit();
  }

  /**
   * The saved vector once local updates up to `seq` are committed. With nothing left
   * uncommitted it is the document's own vector (which also holds what other processes
   * committed); otherwise the committed clocks plus those updates' end clocks.
   */
  private foldCommitted(seq: number): Uint8Array {
    let folded = 0;
    for (const { seq: updateSeq, ends } of this.uncommittedEnds) {
      if (updateSeq > seq) break;
      folded += 1;
      for (const [client, end] of ends) {
        if (end > (this.committedClocks.get(client) ?? 0)) this.committedClocks.set(client, end);
      }
    }
    this.uncommittedEnds = this.uncommittedEnds.slice(folded);
    if (this.uncommitted === 0) {
      const whole = Y.encodeStateVector(this.doc);
      this.committedClocks = Y.decodeStateVector(whole);
      return whole;
    }
    return Y.encodeStateVector(this.committedClocks);
  }

  /**
   * Folds the stored log into a snapshot. It is built from the database, not from this
   * document: with several processes the document also holds other processes' updates whose
   * rows may not be committed yet, and a snapshot must be exactly "every row up to N".
   */
  private snapshot(): Promise<void> {
    if (this.snapshotting || this.tail.rowsSinceSnapshot === 0) return this.snapshotting ?? Promise.resolve();
    const folded = { rows: this.tail.rowsSinceSnapshot, bytes: this.tail.bytesSinceSnapshot };
    this.snapshotting = this.store.snapshot(this.articleId)
      .then((written) => {
        this.tail = {
          rowsSinceSnapshot: this.tail.rowsSinceSnapshot - folded.rows,
          bytesSinceSnapshot: this.tail.bytesSinceSnapshot - folded.bytes,
          snapshotBytes: written?.bytes ?? this.tail.snapshotBytes,
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
    // Only this story's updates: another story the database is stuck on must not hold it up.
    await this.writer.drainStory(this);
    await this.snapshotting;
    if (shouldSnapshotOnUnload(this.tail, this.snapshotLimits)) await this.snapshot();
    await this.checkpoints.flush();
    this.doc.off("update", this.onDocUpdate);
    this.awareness.off("update", this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }

  /** Set when this document holds an update the database refused: it must be loaded afresh. */
  private evicted = false;
  private onEvicted: (() => void) | null = null;

  /** Called once if the room must be dropped and loaded again from the database. */
  whenEvicted(listener: () => void): void {
    this.onEvicted = listener;
  }

  /**
   * Updates the database refused (another process committed a workflow change first, or the
   * writer's session or account ended) are in this document but nowhere else. Their relays are
   * dropped; every connection is closed with 1012 so its client reconnects to a fresh load,
   * where the rules as stored decide again (read-only, or 4401 for an ended session).
   */
  private discardRefused(refusedSeqs: number[]): void {
    const refused = new Set(refusedSeqs);
    this.held = this.held.filter((held) => !(held.relay && refused.has(held.afterSeq)));
    console.warn(`[collab] ${refused.size} update(s) to ${this.articleId} refused at commit: reloading the story`);
    if (this.evicted) return;
    this.evicted = true;
    // Other processes still get the accepted updates (releaseHeld); local clients reload.
    for (const connection of this.connections) connection.close(CLOSE_RELOAD, "story changed, reloading");
    this.connections.clear();
    this.onEvicted?.();
  }

  /**
   * The writer gave up on this story's updates (the database kept refusing them): they are in
   * this document and nowhere else. Their relays are dropped and every client reconnects with
   * CLOSE_SAVE_FAILED to a fresh load from the database (a stock client then sends its edits
   * again, to a new attempt).
   */
  onCommitFailed(err: Error): void {
    // The writer dropped every update of ours it held: none of their relays may go out.
    this.held = this.held.filter((held) => held.afterSeq <= this.committedSeq);
    this.uncommitted = 0;
    this.appliedSeq = this.committedSeq;
    this.uncommittedEnds = this.uncommittedEnds.filter((entry) => entry.seq <= this.committedSeq);
    this.settleServerEdits(new Set(), err);
    this.reloadUnsaved("could not save, reloading", err.message);
  }

  /**
   * Closes every connection with CLOSE_SAVE_FAILED and unloads the room: it holds an update
   * that will never be saved. Updates still queued are stored (and relayed) as usual.
   */
  private reloadUnsaved(reason: string, why: string): void {
    if (this.evicted) return;
    console.warn(`[collab] ${this.articleId}: ${reason} (${why})`);
    this.evicted = true;
    for (const connection of this.connections) connection.close(CLOSE_SAVE_FAILED, reason);
    this.connections.clear();
    this.onEvicted?.();
  }

  private sendWhenCommitted(held: Omit<HeldMessage, "afterSeq">): void {
    this.held.push({ ...held, afterSeq: this.appliedSeq });
    this.releaseHeld();
  }

  /** Sends, in order, every held message whose updates are all committed. */
  private releaseHeld(): void {
    let released = 0;
    for (const held of this.held) {
      if (held.afterSeq > this.committedSeq) break;
      released += 1;
      if (this.evicted) {
        // Nobody local is listening any more; other processes still get committed updates.
      } else if (held.to) {
        if (this.connections.has(held.to)) held.to.send(held.message);
      } else {
        for (const connection of this.connections) if (connection !== held.except) connection.send(held.message);
      }
      if (held.relay) this.relay?.publishUpdate(held.relay.update, held.relay.newOwners);
    }
    if (released > 0) this.held = this.held.slice(released);
    this.releaseSyncReplies();
  }

  /** Answers the held sync step 1 requests whose updates are all committed. */
  private releaseSyncReplies(): void {
    for (const [connection, reply] of this.syncReplies) {
      if (reply.afterSeq > this.committedSeq) continue;
      this.syncReplies.delete(connection);
      if (this.evicted || !this.connections.has(connection)) continue;
      connection.send(this.committedSyncStep2(reply.stateVector));
    }
  }

  /**
   * A sync step 2 holding only committed content. Updates applied since may still be in the
   * commit queue: a client must never hold an edit the server could lose, so the answer is
   * encoded from the story as it was before the first of them (the story keeps every item).
   */
  private committedSyncStep2(stateVector: Uint8Array): Uint8Array {
    if (this.appliedSeq <= this.committedSeq) return syncStep2Message(this.doc, stateVector);
    const upTo = Y.decodeStateVector(Y.encodeStateVector(this.doc));
    for (const held of this.held) {
      if (!held.relay || held.afterSeq <= this.committedSeq) continue;
      for (const [client, clock] of Y.parseUpdateMeta(held.relay.update).from) {
        upTo.set(client, Math.min(upTo.get(client) ?? clock, clock));
      }
    }
    const committed = Y.createDocFromSnapshot(this.doc, Y.createSnapshot(Y.createDeleteSetFromStructStore(this.doc.store), upTo));
    try {
      return syncStep2Message(committed, stateVector);
    } finally {
      committed.destroy();
    }
  }

  private awarenessOwner(clientId: number): RoomConnection | null {
    for (const connection of this.connections) if (connection.awarenessIds.has(clientId)) return connection;
    return null;
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
    if (origin === this) return; // the load itself
    if (origin === REMOTE) {
      const message = updateMessage(update);
      for (const connection of this.connections) connection.send(message);
      return;
    }
    const sender = this.connections.has(origin as RoomConnection) ? (origin as RoomConnection) : null;
    if (sender) this.writers.add(sender);
    const userId = sender?.user.id ?? (origin as ServerEdit | null)?.userId ?? null;
    const newOwners = this.claimIntegratedClients(transaction, userId);
    // An evicted document is about to be dropped: nothing more of it may be logged.
    if (this.evicted) return;
    try {
      const author = { userId, actor: sender?.actor ?? null, sessionId: sender?.sessionId ?? null };
      this.writer.append(this, author, update, newOwners, { seq: this.appliedSeq + 1 } satisfies CommitState);
    } catch (err) {
      if (!(err instanceof CommitQueueFull)) throw err;
      // This document now holds an update that will never be saved: reload from the database.
      this.reloadUnsaved("server busy, could not save, reloading", err.message);
      return;
    }
    this.uncommitted += 1;
    this.appliedSeq += 1;
    this.uncommittedEnds.push({ seq: this.appliedSeq, ends: Y.parseUpdateMeta(update).to });
    this.sendWhenCommitted({ message: updateMessage(update), to: null, except: sender, relay: { update, newOwners } });
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
    const encoded = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    // Sent to the sender too: y-websocket clients treat 30 s without any message as a dead link.
    const message = awarenessMessage(encoded);
    for (const connection of this.connections) connection.send(message);
    if (origin !== REMOTE) this.relay?.publishAwareness(encoded);
  };
}

function decodeUpdate(update: Uint8Array): ReturnType<typeof Y.decodeUpdate> {
  try {
    return Y.decodeUpdate(update);
  } catch (err) {
    throw new MalformedUpdate((err as Error).message);
  }
}

/** Bytes of structs and deletes the document holds but could not apply yet. */
function pendingBytes(doc: Y.Doc): number {
  return (doc.store.pendingStructs?.update.byteLength ?? 0) + (doc.store.pendingDs?.byteLength ?? 0);
}
