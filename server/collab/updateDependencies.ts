import "server-only";
import * as Y from "yjs";

/** What a waiting update needs first: the story's clock for `client` must reach `clock`. */
export interface Dependency {
  readonly client: number;
  readonly clock: number;
}

type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/** How an update stands against a story's content right now. */
export interface UpdateStanding {
  /** Something the update builds on or deletes that the story does not have (null: nothing). */
  waitsFor: Dependency | null;
  /**
   * Client ids whose content the update deletes before the story has it. Such a delete could
   * only be honest for the sender's own content (typed offline, its sync step 2 still on the
   * way); under anyone else's id it would erase words she has not typed yet.
   */
  deletesAheadIn: number[];
}

/**
 * Everything an update depends on, checked the way Yjs itself would (a struct's clock, origin,
 * right origin and parent; every range of its delete set), so that nothing the server accepts
 * ever lands in Yjs's pending structs or pending deletes. Linear in the update's size.
 */
export function standingOf(doc: Y.Doc, decoded: DecodedUpdate): UpdateStanding {
  // For each client: how far the story plus this update's own gap-free run of structs reaches.
  const reach = new Map<number, number>();
  let waitsFor: Dependency | null = null;
  const need = (client: number, clock: number) => {
    waitsFor ??= { client, clock };
  };
  const reachOf = (client: number) => reach.get(client) ?? Y.getState(doc.store, client);
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) continue;
    const { client, clock } = struct.id;
    const reached = reachOf(client);
    if (clock > reached) need(client, clock);
    else reach.set(client, Math.max(reached, clock + struct.length));
  }
  const check = (id: Y.ID | null) => {
    if (id && id.clock >= reachOf(id.client)) need(id.client, id.clock + 1);
  };
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue;
    check(struct.origin);
    check(struct.rightOrigin);
    if (struct.parent instanceof Y.ID) check(struct.parent);
  }
  const deletesAheadIn: number[] = [];
  for (const [client, ranges] of decoded.ds.clients) {
    const known = reachOf(client);
    let end = 0;
    for (const { clock, len } of ranges) end = Math.max(end, clock + len);
    if (end > known) {
      deletesAheadIn.push(client);
      need(client, end);
    }
  }
  return { waitsFor, deletesAheadIn };
}
