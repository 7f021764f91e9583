import "server-only";
import * as decoding from "lib0/decoding";
import * as syncProtocol from "y-protocols/sync";
import { MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC } from "../../newsroom/collabMessages";
import { ForgedAuthorship, type Room, type RoomConnection } from "./room";
import { OverBudget } from "./socketBudgets";
import { OutsideSchema } from "../../newsroom/schemaGuard";

/** A frame that is not the y-websocket protocol: its connection is closed, nobody else's. */
export class ProtocolViolation extends Error {}

/** A connection asking for the whole document faster than any client needs: it is closed. */
export class TooManySyncRequests extends Error {}

/**
 * Handles one frame from a connection that has joined `room`. Read-only enforcement lives
 * here: a connection that may not write still gets answers, but its sync step 2 and update
 * messages are dropped before they reach the document, the log or anyone else.
 */
export function receiveMessage(room: Room, connection: RoomConnection, frame: Uint8Array): void {
  const decoder = decoding.createDecoder(frame);
  try {
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MESSAGE_SYNC: {
        const syncType = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (syncType === syncProtocol.messageYjsSyncStep1) {
          if (!connection.takeSyncRequest()) throw new TooManySyncRequests("too many sync requests");
          room.answerSyncStep1(connection, payload);
        } else if (syncType === syncProtocol.messageYjsSyncStep2 || syncType === syncProtocol.messageYjsUpdate) {
          // Charged before anything else, read-only or not: the budget bounds the work, not the writes.
          connection.budget.chargeUpdate(payload.byteLength);
          if (room.canWrite(connection)) room.applyClientUpdate(payload, connection);
        } else {
          throw new ProtocolViolation(`unknown sync message ${syncType}`);
        }
        return;
      }
      case MESSAGE_AWARENESS:
        room.applyClientAwareness(decoding.readVarUint8Array(decoder), connection);
        return;
      case MESSAGE_QUERY_AWARENESS:
        connection.budget.chargeAwarenessQuery();
        connection.send(room.awarenessSnapshot());
        return;
      default:
        throw new ProtocolViolation(`unknown message type ${type}`);
    }
  } catch (err) {
    if (
      err instanceof ProtocolViolation ||
      err instanceof ForgedAuthorship ||
      err instanceof TooManySyncRequests ||
      err instanceof OverBudget ||
      err instanceof OutsideSchema
    ) {
      throw err;
    }
    throw new ProtocolViolation((err as Error).message || String(err));
  }
}
