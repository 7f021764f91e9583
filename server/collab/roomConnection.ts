import "server-only";
import type { Actor } from "../../newsroom/actor";
import type { AwarenessUser } from "./awarenessIdentity";
import type { ConnectionBudget } from "./socketBudgets";

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
