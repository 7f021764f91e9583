import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import type { Awareness } from "y-protocols/awareness";
import WebSocket from "ws";
import * as Y from "yjs";
import { waitFor } from "../../tests/support/wait";
import { deadline, type BenchClient } from "./benchClient";

/** A Hocuspocus client: its own provider, one socket per client like the other servers get. */
export function connectHocuspocusClient(wsUrl: string, docName: string): BenchClient {
  const doc = new Y.Doc();
  // Node 20 has no global WebSocket: the socket is made explicitly, with `ws`.
  const socket = new HocuspocusProviderWebsocket({ url: wsUrl, WebSocketPolyfill: WebSocket });
  const provider = new HocuspocusProvider({ websocketProvider: socket, name: docName, document: doc });
  // A provider given its socket does not attach itself.
  provider.attach();
  const received = { messages: 0, bytes: 0 };
  provider.on("message", ({ event }: { event: { data: ArrayBuffer } }) => {
    received.messages += 1;
    received.bytes += event.data.byteLength;
  });
  return {
    doc,
    awareness: provider.awareness as Awareness,
    received,
    isSynced: () => provider.isSynced,
    whenSynced(timeoutMs = 60_000) {
      if (provider.isSynced) return Promise.resolve();
      return deadline(
        new Promise<void>((resolve) => {
          const onSynced = ({ state }: { state: boolean }) => {
            if (!state) return;
            provider.off("synced", onSynced);
            resolve();
          };
          provider.on("synced", onSynced);
        }),
        timeoutMs,
        "sync",
      );
    },
    // Hocuspocus has no "committed to disk" message: it stores on a debounce.
    onSaved: () => {},
    whenCaughtUp: (timeoutMs = 60_000) =>
      waitFor(() => !provider.hasUnsyncedChanges, { timeoutMs, intervalMs: 5, message: "sync status" }).then(() => undefined),
    destroy() {
      provider.destroy();
      socket.destroy();
      doc.destroy();
    },
  };
}
