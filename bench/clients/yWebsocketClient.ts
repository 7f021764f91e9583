import * as decoding from "lib0/decoding";
import * as Y from "yjs";
import { MESSAGE_SAVED } from "../../newsroom/collabMessages";
import { connectClient } from "../../tests/support/collabClient";
import { waitFor } from "../../tests/support/wait";
import { deadline, type BenchClient } from "./benchClient";

type MessageHandler = (encoder: unknown, decoder: decoding.Decoder, ...rest: unknown[]) => void;

/**
 * A stock `WebsocketProvider` client (y-websocket 3.1.0, broadcast channel off), made by the
 * tests' own helper so the benchmark speaks to our server exactly as the tests do. Used for
 * the y-websocket peer too (with no cookie), so both servers see byte-identical clients.
 */
export function connectWebsocketClient(
  baseUrl: string,
  docName: string,
  cookie: string,
  { acknowledges }: { acknowledges: boolean },
): BenchClient {
  const client = connectClient(baseUrl, docName, cookie);
  const { provider, doc } = client;
  const savedListeners: ((saved: Map<number, number>) => void)[] = [];

  // Read the saved vector ourselves (on a copy of the decoder), then let the helper's handler
  // do its own bookkeeping: per-update save times need the vector, not just "saved or not".
  const handlers = provider.messageHandlers as unknown as MessageHandler[];
  const helperHandler = handlers[MESSAGE_SAVED];
  handlers[MESSAGE_SAVED] = (encoder, decoder, ...rest) => {
    if (savedListeners.length > 0) {
      const copy = decoding.createDecoder(decoder.arr);
      copy.pos = decoder.pos;
      const saved = Y.decodeStateVector(decoding.readVarUint8Array(copy));
      for (const listener of savedListeners) listener(saved);
    }
    helperHandler(encoder, decoder, ...rest);
  };

  // Count what the server sends: each new socket gets a listener next to the provider's own.
  const received = { messages: 0, bytes: 0 };
  provider.on("status", ({ status }: { status: string }) => {
    if (status !== "connected" || !provider.ws) return;
    provider.ws.addEventListener("message", (event: { data: ArrayBuffer }) => {
      received.messages += 1;
      received.bytes += event.data.byteLength;
    });
  });

  // Our server also tells each connection what it may do (message 101); the benchmark only
  // writes as people who may, so the notice is acknowledged and ignored.
  handlers[101] ??= () => {};

  return {
    doc,
    awareness: provider.awareness,
    received,
    isSynced: () => provider.synced,
    whenSynced(timeoutMs = 60_000) {
      if (provider.synced) return Promise.resolve();
      return deadline(
        new Promise<void>((resolve) => {
          const onSync = (synced: boolean) => {
            if (!synced) return;
            provider.off("sync", onSync);
            resolve();
          };
          provider.on("sync", onSync);
        }),
        timeoutMs,
        "sync",
      );
    },
    onSaved: (listener) => savedListeners.push(listener),
    whenCaughtUp: (timeoutMs = 60_000) =>
      acknowledges
        ? waitFor(() => client.isSaved(), { timeoutMs, intervalMs: 5, message: "saved" }).then(() => undefined)
        : Promise.resolve(),
    destroy: () => client.destroy(),
  };
}
