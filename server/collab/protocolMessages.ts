import "server-only";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { MESSAGE_ACCESS, MESSAGE_AWARENESS, MESSAGE_SAVED, MESSAGE_SYNC, type AccessNotice } from "../../newsroom/collabMessages";

/** A protocol message: its type (a varUint, as y-websocket frames them), then what `write` adds. */
function message(type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

export const syncStep1Message = (doc: Y.Doc) => message(MESSAGE_SYNC, (e) => syncProtocol.writeSyncStep1(e, doc));

/**
 * Step 2: what `doc` has beyond the peer's state vector (throws on a malformed vector).
 * Yjs would also send its pending structs (content received ahead of what it depends on):
 * those were never applied, so never logged, and a peer holding them would later resend
 * someone else's unstored words. They are left out; their sender resends them on reconnect.
 */
export const syncStep2Message = (doc: Y.Doc, peerStateVector: Uint8Array) =>
  message(MESSAGE_SYNC, (e) => {
    const { pendingStructs, pendingDs } = doc.store;
    doc.store.pendingStructs = null;
    doc.store.pendingDs = null;
    try {
      syncProtocol.writeSyncStep2(e, doc, peerStateVector);
    } finally {
      doc.store.pendingStructs = pendingStructs;
      doc.store.pendingDs = pendingDs;
    }
  });

export const updateMessage = (update: Uint8Array) => message(MESSAGE_SYNC, (e) => syncProtocol.writeUpdate(e, update));

export const awarenessMessage = (awarenessUpdate: Uint8Array) => message(MESSAGE_AWARENESS, (e) => encoding.writeVarUint8Array(e, awarenessUpdate));

/** Message 100: the state vector that is committed to the database (DESIGN.md §3). */
export const savedMessage = (savedVector: Uint8Array) => message(MESSAGE_SAVED, (e) => encoding.writeVarUint8Array(e, savedVector));

/** Message 101: the article's state and whether this connection may write. */
export const accessMessage = (notice: AccessNotice) => message(MESSAGE_ACCESS, (e) => encoding.writeVarString(e, JSON.stringify(notice)));
