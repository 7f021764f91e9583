import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import type { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { MESSAGE_SYNC } from "./collabMessages";

/**
 * A deletion moves no Yjs clock, so the "saved" vector (message 100) can never say it is
 * stored: by that vector alone a story whose last edit was a deletion reads 已保存 before the
 * server has committed it. After such an edit the client sends a sync step 1 of its own, a
 * receipt request: the server holds its answer (a sync step 2) until everything the socket
 * sent before it is committed (DESIGN.md §3), so the answer's arrival says the deletion is on
 * disk. At most one request is out at a time and they are spaced (the server answers a few
 * per second per socket: server/collab/connection.ts); a disconnect keeps the edit unsaved
 * until a request on the next connection is answered.
 */
export class ClocklessEditReceipt {
  /** An edit that moved no clock is not yet known to be committed. */
  private unsaved = false;
  /** A request is out and its answer not yet in; `changedSince`: edits after it was sent. */
  private inFlight = false;
  private changedSince = false;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private ready = false;

  constructor(
    private readonly sendRequest: () => void,
    private readonly onSettled: () => void,
  ) {}

  /** True when every clockless edit made so far is known to be committed. */
  get settled(): boolean {
    return !this.unsaved;
  }

  /** A local edit (or a copy loaded from the device) that moved none of this client's clock. */
  clocklessEdit(): void {
    this.unsaved = true;
    if (this.inFlight) this.changedSince = true;
    else this.schedule();
  }

  /** The connection finished its first sync: requests may go out. */
  connected(): void {
    this.ready = true;
    if (this.unsaved && !this.inFlight) this.schedule();
  }

  /** The connection dropped: a request out on it will never be answered. */
  disconnected(): void {
    this.ready = false;
    this.inFlight = false;
    this.changedSince = false;
    this.clearTimer();
  }

  /** A sync step 2 arrived after the first sync: the answer to our request. */
  answered(): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    if (this.changedSince) {
      this.changedSince = false;
      this.schedule();
      return;
    }
    this.unsaved = false;
    this.onSettled();
  }

  stop(): void {
    this.clearTimer();
    this.ready = false;
  }

  private schedule(): void {
    if (!this.ready || this.timer) return;
    const wait = Math.max(0, this.lastSentAt + RECEIPT_MIN_GAP_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.ready || this.inFlight || !this.unsaved) return;
      this.inFlight = true;
      this.lastSentAt = Date.now();
      this.sendRequest();
    }, wait);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Two requests a second at most: the server's allowance is two a second after a burst of ten. */
export const RECEIPT_MIN_GAP_MS = 500;

/**
 * Wires a receipt to a y-websocket provider: local updates that leave this client's clock
 * where it was are clockless edits (every update not from the provider is local: the editor's,
 * a restore of the device's copy), and a sync step 2 after the first sync is an answer.
 * `onSettled` is called when the last clockless edit is known committed.
 */
export function watchClocklessEdits(doc: Y.Doc, provider: WebsocketProvider, onSettled: () => void): ClocklessEditReceipt & { detach(): void } {
  const receipt = new ClocklessEditReceipt(() => {
    const ws = provider.ws;
    if (!ws || ws.readyState !== 1) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, doc);
    ws.send(encoding.toUint8Array(encoder));
  }, onSettled);
  let clock = Y.getState(doc.store, doc.clientID);
  const onUpdate = (_update: Uint8Array, origin: unknown) => {
    const next = Y.getState(doc.store, doc.clientID);
    if (origin !== provider && next === clock) receipt.clocklessEdit();
    clock = next;
  };
  const syncHandler = provider.messageHandlers[MESSAGE_SYNC];
  provider.messageHandlers[MESSAGE_SYNC] = (encoder, decoder, p, emitSynced, messageType) => {
    const wasSynced = provider.synced;
    const peek = decoding.clone(decoder);
    const isStep2 = decoding.readVarUint(peek) === syncProtocol.messageYjsSyncStep2;
    syncHandler(encoder, decoder, p, emitSynced, messageType);
    if (isStep2 && wasSynced) receipt.answered();
  };
  // The provider un-syncs on every close and every new connection: a request out is lost then.
  const onSync = (synced: boolean) => (synced ? receipt.connected() : receipt.disconnected());
  doc.on("update", onUpdate);
  provider.on("sync", onSync);
  if (provider.synced) receipt.connected();
  return Object.assign(receipt, {
    detach() {
      receipt.stop();
      doc.off("update", onUpdate);
      provider.off("sync", onSync);
      provider.messageHandlers[MESSAGE_SYNC] = syncHandler;
    },
  });
}
