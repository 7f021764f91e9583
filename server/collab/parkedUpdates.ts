import "server-only";
import { OverBudget } from "./socketBudgets";
import type { Dependency } from "./updateDependencies";

/** One update waiting for what it depends on. */
export interface ParkedUpdate<Connection> {
  readonly connection: Connection;
  readonly update: Uint8Array;
  /** The first thing it was found to need; it is not looked at again before the story has it. */
  readonly waitsFor: Dependency;
  /** Client ids it deleted content of before the story had it: they must turn out to be the sender's. */
  readonly deletesAheadIn: readonly number[];
  /** Park order: retried updates keep the order their connection sent them in. */
  readonly order: number;
}

/** How much one connection may keep waiting. */
export interface ParkingLimits {
  maxBytes: number;
  maxUpdates: number;
}

/**
 * Updates that cannot be checked or applied yet, held per connection. A client that types
 * right after reconnecting sends its new keystrokes before its sync step 2 (which carries the
 * edits they build on), so such an update waits until the story has what it builds on, from
 * this connection or any other. Each parked update is filed under the one dependency it was
 * found to lack, so the room looks at it again only once the story's clock for that client has
 * reached it (never on every keystroke). Parked updates never enter the document: nothing in
 * them is stored, relayed or attributed until every check passes on the real content. A
 * connection that closes takes its parked updates with it (its client resends on reconnect).
 */
export class ParkedUpdates<Connection> {
  private readonly byConnection = new Map<Connection, { entries: Set<ParkedUpdate<Connection>>; bytes: number }>();
  /** Parked updates by the client id they wait for. */
  private readonly byClient = new Map<number, Set<ParkedUpdate<Connection>>>();
  private nextOrder = 0;

  /** Parks an update; past the connection's limits its parked updates are dropped and `OverBudget` is thrown. */
  park(entry: Omit<ParkedUpdate<Connection>, "order"> & { order?: number }, limits: ParkingLimits): void {
    const parked: ParkedUpdate<Connection> = { ...entry, order: entry.order ?? this.nextOrder++ };
    let own = this.byConnection.get(parked.connection);
    if (!own) this.byConnection.set(parked.connection, (own = { entries: new Set(), bytes: 0 }));
    own.entries.add(parked);
    own.bytes += parked.update.byteLength;
    if (own.bytes > limits.maxBytes) {
      this.drop(parked.connection);
      throw new OverBudget("over COLLAB_MAX_PENDING_BYTES (updates that cannot be applied)");
    }
    if (own.entries.size > limits.maxUpdates) {
      this.drop(parked.connection);
      throw new OverBudget("over COLLAB_MAX_PARKED_UPDATES (updates that cannot be applied)");
    }
    let waiting = this.byClient.get(parked.waitsFor.client);
    if (!waiting) this.byClient.set(parked.waitsFor.client, (waiting = new Set()));
    waiting.add(parked);
  }

  /**
   * Takes out every parked update whose dependency the story now has (`clockOf` is the story's
   * clock for a client), oldest first. Costs one clock lookup per client id waited for.
   */
  takeReady(clockOf: (client: number) => number): ParkedUpdate<Connection>[] {
    const ready: ParkedUpdate<Connection>[] = [];
    for (const [client, waiting] of this.byClient) {
      const clock = clockOf(client);
      for (const parked of waiting) if (parked.waitsFor.clock <= clock) ready.push(parked);
    }
    for (const parked of ready) this.remove(parked);
    return ready.sort((a, b) => a.order - b.order);
  }

  has(connection: Connection): boolean {
    return this.byConnection.has(connection);
  }

  /** Forgets everything `connection` parked (it left, or was refused). */
  drop(connection: Connection): void {
    const own = this.byConnection.get(connection);
    if (!own) return;
    for (const parked of [...own.entries]) this.remove(parked);
  }

  private remove(parked: ParkedUpdate<Connection>): void {
    const own = this.byConnection.get(parked.connection);
    if (own?.entries.delete(parked)) {
      own.bytes -= parked.update.byteLength;
      if (own.entries.size === 0) this.byConnection.delete(parked.connection);
    }
    const waiting = this.byClient.get(parked.waitsFor.client);
    if (waiting?.delete(parked) && waiting.size === 0) this.byClient.delete(parked.waitsFor.client);
  }
}
