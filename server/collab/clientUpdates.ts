import "server-only";
import * as Y from "yjs";
import { CLOSE_FORBIDDEN, CLOSE_MALFORMED, CLOSE_OVER_BUDGET } from "../../newsroom/collabMessages";
import { checkUpdateSchema, MissingDependency, OutsideSchema } from "../../newsroom/schemaGuard";
import { StretchCheckTooLong } from "../../newsroom/suggestionGuard";
import { MAX_TITLE_LENGTH } from "../commands/articleCreator";
import { clientClocksOf } from "../storyLog/clientOwners";
import type { ClientOwners, NewOwners } from "../storyLog/storyStore";
import { closeReason } from "./closeReason";
import { ParkedUpdates, type ParkingLimits } from "./parkedUpdates";
import type { RoomConnection } from "./roomConnection";
import { OverBudget } from "./socketBudgets";
import type { StoryDocument } from "./storyDocument";
import { repeatedClientBlock } from "./updateBlocks";
import { standingOf, type Dependency } from "./updateDependencies";

/** Thrown for a client update the server cannot decode: the sender is disconnected. */
export class MalformedUpdate extends Error {}

/**
 * Thrown for an update deleting content under someone else's client id that the story does not
 * have yet: it would erase her next words inside her own transaction (closed with 4400).
 */
export class DeletesAhead extends MalformedUpdate {}

/** Thrown for new content under another user's Yjs client id (forged authorship). */
export class ForgedAuthorship extends Error {}

/**
 * The message handler for a connection's sync step 2 and update messages (the checks of a
 * room, Hocuspocus's hooks): authorship (new content only under the sender's own client ids),
 * the editor's schema, the socket's budgets (new client ids, pending structs), and updates
 * that cannot be judged yet, parked until the story has what they build on. Only what passes
 * is applied to the document, with the connection as its origin.
 */
export class ClientUpdates {
  constructor(
    private readonly story: StoryDocument,
    private readonly articleId: string,
    /** Who owns each Yjs client id of this story (authorship). */
    private readonly owners: ClientOwners,
  ) {}

  /** A connection left: its parked updates and pending charges go with it. */
  forget(connection: RoomConnection): void {
    this.parked.drop(connection);
    this.pendingBy.delete(connection);
  }

  /**
   * Applies a sync step 2 or update from a connection allowed to write, once it is inside the
   * editor's schema and the connection's budgets (new client ids, pending structs). An update
   * that builds on content the story does not have yet waits (`parkedUpdates.ts`).
   */
  apply(update: Uint8Array, from: RoomConnection): void {
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
  retryParked(): void {
    for (;;) {
      const ready = this.parked.takeReady((client) => Y.getState(this.story.doc.store, client));
      if (ready.length === 0) return;
      for (const entry of ready) {
        const connection = entry.connection;
        if (!this.story.connections.has(connection)) continue;
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
    const standing = standingOf(this.story.doc, decoded);
    const deletesAheadIn = [...new Set([...deletedAheadBefore, ...standing.deletesAheadIn])];
    for (const client of deletesAheadIn) {
      const owner = this.owners.get(client);
      if (owner !== undefined && owner !== from.user.id) {
        throw new DeletesAhead(`deletes content of client ${client} the story does not have`);
      }
    }
    if (standing.waitsFor) return { waitsFor: standing.waitsFor, deletesAheadIn };
    try {
      checkUpdateSchema(this.story.doc, decoded, { maxTitleLength: MAX_TITLE_LENGTH, userId: from.user.id, maxStretchWalk: from.budget.limits.maxStretchWalk });
    } catch (err) {
      if (err instanceof StretchCheckTooLong) throw new OverBudget(err.message);
      // Every dependency is in the story (checked above), yet one is not an item: gone for good.
      if (err instanceof MissingDependency) throw new MalformedUpdate("builds on content the story no longer has");
      throw err;
    }
    let unowned = 0;
    for (const client of clocks.keys()) if (!this.owners.has(client)) unowned += 1;
    from.budget.chargeNewClientIds(unowned);
    const pendingBefore = pendingBytes(this.story.doc);
    this.story.apply(update, { source: "connection", connection: from });
    this.chargePending(from, pendingBytes(this.story.doc) - pendingBefore);
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
    const total = pendingBytes(this.story.doc);
    if (total === 0) {
      this.pendingBy.clear();
      return;
    }
    const own = (this.pendingBy.get(from) ?? 0) + Math.max(0, added);
    this.pendingBy.set(from, own);
    const limit = from.budget.limits.maxPendingBytes;
    if (own <= limit && total <= limit) return;
    if (total > limit) {
      this.story.doc.store.pendingStructs = null;
      this.story.doc.store.pendingDs = null;
      this.pendingBy.clear();
    } else {
      this.pendingBy.delete(from);
    }
    throw new OverBudget("over COLLAB_MAX_PENDING_BYTES (updates that cannot be applied)");
  }

  /**
   * New content under a client id that already belongs to someone else is forged authorship.
   * Ids nobody owns yet are not claimed here: they become the sender's only once a struct
   * under them is integrated (`claimIntegratedClients`), so a struct that can never be applied
   * (sent under a colleague's id, far ahead of her clock) cannot take her id away.
   */
  checkAuthorship(clocks: Map<number, number>, userId: string): void {
    for (const [client, end] of clocks) {
      const owner = this.owners.get(client);
      if (owner !== undefined && owner !== userId && end > Y.getState(this.story.doc.store, client)) {
        throw new ForgedAuthorship(`client ${client} belongs to someone else`);
      }
    }
  }

  /** Client ids whose clock this transaction advanced and that nobody owned: now `userId`'s. */
  claimIntegratedClients(transaction: Y.Transaction, userId: string | null): NewOwners {
    const claimed: [number, string | null][] = [];
    for (const [client, after] of transaction.afterState) {
      if (after > (transaction.beforeState.get(client) ?? 0) && !this.owners.has(client)) {
        this.owners.set(client, userId);
        claimed.push([client, userId]);
      }
    }
    return claimed;
  }
}

/**
 * Decodes a client update; a broken one is a MalformedUpdate, and so is one that Yjs would apply
 * otherwise than it decodes (`repeatedClientBlock`): every check reads what is decoded.
 */
export function decodeUpdate(update: Uint8Array): ReturnType<typeof Y.decodeUpdate> {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch (err) {
    throw new MalformedUpdate((err as Error).message);
  }
  const mismatch = repeatedClientBlock(update, decoded);
  if (mismatch) throw new MalformedUpdate(mismatch);
  return decoded;
}

/** Bytes of structs and deletes the document holds but could not apply yet. */
function pendingBytes(doc: Y.Doc): number {
  return (doc.store.pendingStructs?.update.byteLength ?? 0) + (doc.store.pendingDs?.byteLength ?? 0);
}
