import "server-only";
import type { WebSocket } from "ws";
import type { User } from "../../db/schema";
import type { Actor } from "../../newsroom/actor";
import { TokenBucket } from "../../newsroom/tokenBucket";
import { personOf } from "../../newsroom/person";
import { actorOf } from "../auth/actorOf";
import type { AwarenessUser } from "./awarenessIdentity";
import type { RoomConnection } from "./roomConnection";
import type { ConnectionBudget } from "./socketBudgets";

/**
 * Sync step 1 requests a connection may send: each answer encodes the document, so a flood of
 * tiny requests would keep the server busy. Stock clients send one per (re)connect.
 */
const SYNC_REQUEST_BURST = 10;
const SYNC_REQUESTS_PER_SECOND = 2;

/** A slow reader whose unsent backlog passes this is dropped rather than buffered forever. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

/** One signed-in socket in a room. */
export class Connection implements RoomConnection {
  readonly awarenessIds = new Set<number>();
  readonly user: AwarenessUser;
  readonly actor: Actor;
  private readonly syncRequests = new TokenBucket(SYNC_REQUEST_BURST, SYNC_REQUESTS_PER_SECOND, Date.now());

  constructor(
    private readonly socket: WebSocket,
    account: User,
    readonly sessionId: string | null,
    /** Update, client-id, pending and awareness budgets (its account's shared with its other sockets). */
    readonly budget: ConnectionBudget,
  ) {
    this.user = personOf(account);
    // The upgrade admits only accounts with a known role; should one change under an open
    // socket, it keeps the least rights rather than none (a null actor means the server itself).
    this.actor = actorOf(account) ?? { id: account.id, role: "reporter" };
  }

  takeSyncRequest(): boolean {
    return this.syncRequests.take(Date.now());
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  send(message: Uint8Array): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.close(1013, "too far behind");
      return;
    }
    this.socket.send(message, (err) => {
      if (err) this.socket.terminate();
    });
  }
}
