import "server-only";
import type { RoomConnection } from "./roomConnection";

/**
 * Where a change to a story's document (or its presence) came from: the transaction origin of
 * every `Y.applyUpdate` and awareness change of a room. What happens next depends on it alone:
 * a connection's or the server's change is logged and relayed once committed; a change from the
 * bus (another process) or the store (the load) is already committed and never logged again.
 */
export type UpdateOrigin =
  | { readonly source: "connection"; readonly connection: RoomConnection }
  | { readonly source: "bus" }
  /** An edit the server makes on a user's behalf (a restore): logged as that user's. */
  | { readonly source: "server"; readonly userId: string }
  /** The stored story being loaded into the room. */
  | { readonly source: "store" };

export const FROM_BUS: UpdateOrigin = { source: "bus" };
export const FROM_STORE: UpdateOrigin = { source: "store" };

/** The typed origin of a transaction, or null for one the room did not make (none should exist). */
export function originOf(origin: unknown): UpdateOrigin | null {
  const source = (origin as UpdateOrigin | null)?.source;
  return source === "connection" || source === "bus" || source === "server" || source === "store" ? (origin as UpdateOrigin) : null;
}
