import * as decoding from "lib0/decoding";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { MESSAGE_ACCESS, MESSAGE_SAVED } from "../../newsroom/collabMessages";
import type { Random } from "./random";
import { waitFor } from "./wait";

/** Frames a real client exchanged with the server, in order. */
export interface TrafficRecording {
  sent: Uint8Array[];
  received: Uint8Array[];
}

/**
 * Records real traffic: a stock `WebsocketProvider` (broadcast channel off) signed in with
 * `cookie` edits the story like an editor would (typing, deleting, a heading, bold, presence)
 * and every frame it sends and receives is kept. The fuzzer truncates and bit-flips these.
 */
export async function recordTraffic(
  baseUrl: string,
  articleId: string,
  cookie: string,
  random: Random,
  edits = 60,
): Promise<TrafficRecording> {
  const recording: TrafficRecording = { sent: [], received: [] };
  const toBytes = (data: unknown) =>
    data instanceof ArrayBuffer ? new Uint8Array(data.slice(0)) : Uint8Array.from(data as Uint8Array);
  class RecordingSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie } });
      this.addEventListener("message", (event) => recording.received.push(toBytes(event.data)));
    }
    override send(data: unknown, ...rest: unknown[]): void {
      recording.sent.push(toBytes(data));
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
  }
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, "ws")}/collab`, articleId, doc, {
    disableBc: true,
    WebSocketPolyfill: RecordingSocket as never,
  });
  // Messages 100 (saved) and 101 (access) are the workbench's own: recorded, not interpreted.
  provider.messageHandlers[MESSAGE_SAVED] = () => {};
  provider.messageHandlers[MESSAGE_ACCESS] = () => {};
  try {
    await waitFor(() => provider.synced, { message: "recording client sync" });
    provider.awareness.setLocalStateField("user", { name: "录制", color: "#123456" });
    const body = doc.getXmlFragment("body");
    const paragraph = new Y.XmlElement("paragraph");
    const text = new Y.XmlText();
    doc.transact(() => {
      paragraph.insert(0, [text]);
      body.push([paragraph]);
    });
    for (let i = 0; i < edits; i++) {
      if (text.length > 8 && random.chance(0.2)) text.delete(random.int(0, text.length - 4), random.int(1, 3));
      else text.insert(random.int(0, text.length), random.pick(["记者", "通讯员", "长沙", "abc", "。", "红网 "]));
      if (i % 13 === 0 && text.length > 2) text.format(0, 2, { bold: true });
      if (i % 17 === 0) {
        const heading = new Y.XmlElement("heading");
        heading.setAttribute("level", "2");
        heading.insert(0, [new Y.XmlText("小标题")]);
        body.push([heading]);
      }
      if (i % 7 === 0) provider.awareness.setLocalStateField("cursor", { anchor: i, head: i + 1 });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Everything sent is acknowledged before the recording stops (message 100, saved).
    const ownClock = Y.getState(doc.store, doc.clientID);
    await waitFor(
      () =>
        recording.received.some((frame) => {
          if (frame[0] !== MESSAGE_SAVED) return false;
          const decoder = decoding.createDecoder(frame);
          decoding.readVarUint(decoder);
          return (Y.decodeStateVector(decoding.readVarUint8Array(decoder)).get(doc.clientID) ?? 0) >= ownClock;
        }),
      { message: "recorded edits saved" },
    );
  } finally {
    provider.destroy();
    doc.destroy();
  }
  return recording;
}
