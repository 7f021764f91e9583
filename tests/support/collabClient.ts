import * as decoding from "lib0/decoding";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { watchClocklessEdits } from "../../newsroom/clocklessEditReceipt";
import { MESSAGE_ACCESS, MESSAGE_SAVED, type AccessNotice } from "../../newsroom/collabMessages";
import { fragmentText } from "../../newsroom/storyBlocks";
import { waitFor } from "./wait";
import { dropSocket } from "./dropSocket";

/** A `ws` WebSocket class that sends the given headers (cookie, origin) on the handshake. */
function socketClassWith(headers: Record<string, string>): typeof WebSocket {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  } as unknown as typeof WebSocket;
}

export interface CollabClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Body text, one line per block. */
  bodyText(): string;
  titleText(): string;
  /** Appends text to the last body paragraph (a local edit, sent like an editor's). */
  type(text: string): void;
  /** True once the server's saved vector covers this client's own edits. */
  isSaved(): boolean;
  waitSynced(): Promise<void>;
  waitSaved(timeoutMs?: number): Promise<void>;
  savedMessages: number;
  /** The last access notice (message 101): the story's state and whether this client may write. */
  access: AccessNotice | null;
  destroy(): void;
}

/**
 * A real y-websocket client (the stock WebsocketProvider) signed in with `cookie`. Broadcast
 * channel is off so clients in this process cannot sync without the server (DESIGN.md §7).
 */
export function connectClient(
  baseUrl: string,
  articleId: string,
  cookie: string,
  { origin }: { origin?: string } = {},
): CollabClient {
  const doc = new Y.Doc();
  const headers: Record<string, string> = { cookie, ...(origin ? { origin } : {}) };
  const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, "ws")}/collab`, articleId, doc, {
    disableBc: true,
    WebSocketPolyfill: socketClassWith(headers) as never,
    maxBackoffTime: 500,
  });
  let savedVector = new Map<number, number>();
  // As the editor does (useSaveStatus): a deletion is saved once its receipt is answered.
  const receipt = watchClocklessEdits(doc, provider, () => {});
  const client: CollabClient = {
    doc,
    provider,
    savedMessages: 0,
    access: null,
    bodyText: () => fragmentText(doc.getXmlFragment("body")),
    titleText: () => fragmentText(doc.getXmlFragment("title")),
    type(text) {
      const body = doc.getXmlFragment("body");
      doc.transact(() => {
        let last = body.length > 0 ? (body.get(body.length - 1) as Y.XmlElement) : null;
        if (!last || last.nodeName !== "paragraph") {
          last = new Y.XmlElement("paragraph");
          body.push([last]);
        }
        let textNode = last.length > 0 ? last.get(last.length - 1) : null;
        if (!(textNode instanceof Y.XmlText)) {
          textNode = new Y.XmlText();
          last.push([textNode]);
        }
        (textNode as Y.XmlText).insert((textNode as Y.XmlText).length, text);
      });
    },
    isSaved: () => (savedVector.get(doc.clientID) ?? 0) >= Y.getState(doc.store, doc.clientID) && receipt.settled,
    waitSynced: () => waitFor(() => provider.synced, { message: "sync" }).then(() => undefined),
    waitSaved: (timeoutMs = 15_000) =>
      waitFor(() => client.isSaved(), { message: "saved message", timeoutMs }).then(() => undefined),
    destroy() {
      receipt.detach();
      provider.destroy();
      doc.destroy();
    },
  };
  provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
    savedVector = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
    client.savedMessages += 1;
  };
  provider.messageHandlers[MESSAGE_ACCESS] = (_encoder, decoder) => {
    client.access = JSON.parse(decoding.readVarString(decoder)) as AccessNotice;
  };
  return client;
}

/** Result of a raw handshake: what the server sent before closing, and how it closed. */
export interface RawOutcome {
  opened: boolean;
  /** HTTP status when the handshake itself was refused. */
  httpStatus: number | null;
  messages: Buffer[];
  closeCode: number | null;
}

/**
 * Opens a raw socket, optionally sends frames once open, and records every byte the server
 * sends until it closes (or `waitMs` passes).
 */
export function rawConnect(
  url: string,
  headers: Record<string, string>,
  { send = [], waitMs = 3000 }: { send?: (Buffer | string)[]; waitMs?: number } = {},
): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const outcome: RawOutcome = { opened: false, httpStatus: null, messages: [], closeCode: null };
    const ws = new WebSocket(url, { headers });
    const finish = () => {
      clearTimeout(timer);
      dropSocket(ws);
      resolve(outcome);
    };
    const timer = setTimeout(finish, waitMs);
    ws.on("unexpected-response", (_req, res) => {
      outcome.httpStatus = res.statusCode ?? null;
      finish();
    });
    ws.on("open", () => {
      outcome.opened = true;
      for (const frame of send) ws.send(frame);
    });
    ws.on("message", (data) => outcome.messages.push(data as Buffer));
    ws.on("close", (code) => {
      outcome.closeCode = code;
      finish();
    });
    // An error (EPIPE while our big frame was still going out) is followed by "close".
    ws.on("error", () => {});
  });
}
