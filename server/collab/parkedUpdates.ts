import { OverBudget } from "./socketBudgets";

/**
 * Updates that cannot be checked or applied yet, held per connection. A client that types
 * right after reconnecting sends its new keystrokes before its sync step 2 (which carries the
 * edits they build on), so such an update is parked on its connection and tried again after
 * each later update from it is applied. Parked updates never enter the document: nothing in
 * them is stored, relayed or attributed until every check passes on the real content. A
 * connection that closes takes its parked updates with it (its client resends on reconnect).
 */
export class ParkedUpdates<Connection> {
  private readonly byConnection = new Map<Connection, { updates: Uint8Array[]; bytes: number }>();

  /** Parks `update`; past `maxBytes` or `maxUpdates` for this connection, throws `OverBudget`. */
  park(connection: Connection, update: Uint8Array, maxBytes: number, maxUpdates = MAX_PARKED_UPDATES): void {
    let parked = this.byConnection.get(connection);
    if (!parked) this.byConnection.set(connection, (parked = { updates: [], bytes: 0 }));
    parked.updates.push(update);
    parked.bytes += update.byteLength;
    if (parked.bytes > maxBytes || parked.updates.length > maxUpdates) {
      this.byConnection.delete(connection);
      throw new OverBudget("over COLLAB_MAX_PENDING_BYTES (updates that cannot be applied)");
    }
  }

  /** Takes every update parked for `connection`, oldest first (the caller parks again what still waits). */
  takeAll(connection: Connection): Uint8Array[] {
    const parked = this.byConnection.get(connection);
    this.byConnection.delete(connection);
    return parked?.updates ?? [];
  }

  has(connection: Connection): boolean {
    return this.byConnection.has(connection);
  }

  drop(connection: Connection): void {
    this.byConnection.delete(connection);
  }
}

/**
 * Each parked update is decoded again whenever its connection's next update lands, so their
 * number is bounded as well as their bytes; a reconnecting typist parks a handful.
 */
export const MAX_PARKED_UPDATES = 100;
