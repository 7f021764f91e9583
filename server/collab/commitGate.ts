import "server-only";
import * as Y from "yjs";
import type { CommitResult } from "./groupCommit";
import { EditNotSaved } from "./liveAccess";
import { savedMessage, syncStep2Message } from "./protocolMessages";
import type { RoomConnection } from "./roomConnection";
import type { StoryDocument } from "./storyDocument";
import type { NewOwners } from "../storyLog/storyStore";
import { verbatimDoc } from "../storyLog/verbatimDoc";

/**
 * A message that may leave only once the updates it carries are committed: a client never
 * holds an edit the server could still lose, so after a crash nobody resends someone else's
 * unsaved words (which would look like forged authorship, or hand the words to the wrong
 * person).
 */
interface HeldRelay {
  /** Sent once this many local updates are committed. */
  afterSeq: number;
  message: Uint8Array;
  /** Everyone but the sender gets it. */
  except: RoomConnection | null;
  /** The update itself, for other processes. */
  update: Uint8Array;
  newOwners: NewOwners;
}

/** Where released relays go beyond this process's connections (scale-out), if anywhere. */
export type PublishCommitted = (update: Uint8Array, newOwners: NewOwners) => void;

/**
 * Everything of a room that is "held until committed", and what "saved" is (DESIGN.md §3):
 * the order of local updates (applied and committed sequence numbers), relays and sync step 2
 * answers waiting for their updates' commit, the committed clocks the saved vector is folded
 * from, and server edits waiting to hear their fate. One place, so no message can leave ahead
 * of its commit by a path that forgot to check.
 */
export class CommitGate {
  /** Local updates applied, and how many of them are committed (the log keeps their order). */
  private appliedSeq = 0;
  private committedSeq = 0;
  private held: HeldRelay[] = [];
  /**
   * Sync step 1 requests waiting for commits, at most one per connection (a newer request
   * replaces the older): only the asker's state vector is kept, and the answer is encoded when
   * it is released, so a burst of requests during a slow commit holds a few bytes, not copies
   * of the story.
   */
  private readonly syncReplies = new Map<RoomConnection, { afterSeq: number; stateVector: Uint8Array }>();
  /** The committed state vector, as last announced. */
  private savedVector: Uint8Array;
  /**
   * The committed clocks (client id → clock), and the end clocks of each local update not yet
   * committed: "saved" is folded from these per batch (cost: the update's size), never by
   * encoding the whole document's vector per update (cost: its client ids).
   */
  private committedClocks: Map<number, number>;
  private uncommittedEnds: { seq: number; ends: Map<number, number> }[] = [];
  /** Server edits waiting to hear that their update is committed (or never will be). */
  private serverEditWaiters: { seq: number; resolve(): void; reject(err: Error): void }[] = [];
  /** Set once the room's document is being dropped: nothing more goes to its connections. */
  private closed = false;

  constructor(
    private readonly story: StoryDocument,
    private readonly articleId: string,
    private readonly publish: PublishCommitted | null,
  ) {
    this.savedVector = Y.encodeStateVector(story.doc);
    this.committedClocks = Y.decodeStateVector(this.savedVector);
  }

  /** Local updates applied and not yet committed (or refused, or given up). */
  get uncommitted(): number {
    return this.appliedSeq - this.committedSeq;
  }

  /** "Saved" as last announced (a newcomer gets it on joining). */
  savedMessage(): Uint8Array {
    return savedMessage(this.savedVector);
  }

  /** The place of the next local update in the room's order. */
  get nextSeq(): number {
    return this.appliedSeq + 1;
  }

  /**
   * A local update was applied and queued for the log: its relay waits for its commit.
   * Returns its place in the room's order.
   */
  applied(update: Uint8Array, message: Uint8Array, except: RoomConnection | null, newOwners: NewOwners): number {
    this.appliedSeq += 1;
    this.uncommittedEnds.push({ seq: this.appliedSeq, ends: Y.parseUpdateMeta(update).to });
    this.held.push({ afterSeq: this.appliedSeq, message, except, update, newOwners });
    this.release();
    return this.appliedSeq;
  }

  /**
   * Answers a sync step 1: what the server has beyond the client's state vector, sent once
   * everything in it is committed.
   */
  answerSyncStep1(connection: RoomConnection, stateVector: Uint8Array): void {
    if (this.uncommitted === 0) {
      this.syncReplies.delete(connection);
      connection.send(syncStep2Message(this.story.doc, stateVector));
      return;
    }
    this.syncReplies.set(connection, { afterSeq: this.appliedSeq, stateVector });
  }

  /** A connection left: nothing held is for it any more. */
  forget(connection: RoomConnection): void {
    this.syncReplies.delete(connection);
  }

  /** Resolves once the server edit applied as local update `seq` is committed. */
  whenCommitted(seq: number): Promise<void> {
    return new Promise((resolve, reject) => this.serverEditWaiters.push({ seq, resolve, reject }));
  }

  /**
   * A batch of the room's updates is on disk (or refused). Refused updates' relays are dropped
   * and their server edits told; returns the refused updates' places (empty: none refused).
   * Call `release` next (after the room has reacted to refusals), then `foldSaved`.
   */
  committed(committed: CommitResult): Set<number> {
    const handled = committed.updates + committed.refused.length;
    const refused = new Set(committed.refused.map((position) => this.committedSeq + 1 + position));
    if (refused.size > 0) this.held = this.held.filter((held) => !refused.has(held.afterSeq));
    this.committedSeq += handled;
    this.settleServerEdits(refused, null);
    return refused;
  }

  /**
   * The writer gave up on every update of the room not yet committed: their relays are
   * dropped and waiting server edits rejected; the order starts again from what is committed.
   */
  givenUp(err: Error): void {
    this.held = this.held.filter((held) => held.afterSeq <= this.committedSeq);
    this.appliedSeq = this.committedSeq;
    this.uncommittedEnds = this.uncommittedEnds.filter((entry) => entry.seq <= this.committedSeq);
    this.settleServerEdits(new Set(), err);
  }

  /** From now on nothing is sent to this room's connections (committed relays still publish). */
  close(): void {
    this.closed = true;
  }

  /** Sends, in order, every held message whose updates are all committed. */
  release(): void {
    let released = 0;
    for (const held of this.held) {
      if (held.afterSeq > this.committedSeq) break;
      released += 1;
      // A closed room's clients are gone; other processes still get committed updates.
      if (!this.closed) this.story.broadcast(held.message, held.except);
      this.publish?.(held.update, held.newOwners);
    }
    if (released > 0) this.held = this.held.slice(released);
    for (const [connection, reply] of this.syncReplies) {
      if (reply.afterSeq > this.committedSeq) continue;
      this.syncReplies.delete(connection);
      if (this.closed || !this.story.connections.has(connection)) continue;
      connection.send(this.committedSyncStep2(reply.stateVector));
    }
  }

  /**
   * "Saved" once local updates up to `seq` are committed: the message to send its writers.
   * With nothing left uncommitted it is the document's own vector (which also holds what other
   * processes committed); otherwise the committed clocks plus those updates' end clocks, so it
   * never covers an update still queued.
   */
  foldSaved(seq: number): Uint8Array {
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
      this.savedVector = Y.encodeStateVector(this.story.doc);
      this.committedClocks = Y.decodeStateVector(this.savedVector);
    } else {
      this.savedVector = Y.encodeStateVector(this.committedClocks);
    }
    return savedMessage(this.savedVector);
  }

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
   * A sync step 2 holding only committed content. Updates applied since may still be in the
   * commit queue: a client must never hold an edit the server could lose, so the answer is
   * encoded from the story as it was before the first of them (the story keeps every item).
   */
  private committedSyncStep2(stateVector: Uint8Array): Uint8Array {
    const doc = this.story.doc;
    if (this.uncommitted === 0) return syncStep2Message(doc, stateVector);
    const upTo = Y.decodeStateVector(Y.encodeStateVector(doc));
    for (const held of this.held) {
      if (held.afterSeq <= this.committedSeq) continue;
      for (const [client, clock] of Y.parseUpdateMeta(held.update).from) {
        upTo.set(client, Math.min(upTo.get(client) ?? clock, clock));
      }
    }
    // Into a verbatim copy: a stock one would add format cleanups of its own to the answer.
    const snapshot = Y.createSnapshot(Y.createDeleteSetFromStructStore(doc.store), upTo);
    const committed = Y.createDocFromSnapshot(doc, snapshot, verbatimDoc());
    try {
      return syncStep2Message(committed, stateVector);
    } finally {
      committed.destroy();
    }
  }
}
