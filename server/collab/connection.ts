import type { WebSocket } from "ws";
import type { User } from "../../db/schema";
import type { Actor } from "../../newsroom/permissions";
import { isRole } from "../../newsroom/roles";
import { userColor } from "../../newsroom/userColor";
import type { AwarenessUser } from "./awarenessIdentity";
import type { RoomConnection } from "./room";

/** A slow reader whose unsent backlog passes this is dropped rather than buffered forever. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

/** One signed-in socket in a room. */
export class Connection implements RoomConnection {
  readonly awarenessIds = new Set<number>();
  readonly user: AwarenessUser;
  readonly actor: Actor;

  constructor(
    private readonly socket: WebSocket,
    account: User,
  ) {
    this.user = { id: account.id, name: account.displayName, color: userColor(account.colorIndex) };
    this.actor = { id: account.id, role: isRole(account.role) ? account.role : "reporter" };
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
