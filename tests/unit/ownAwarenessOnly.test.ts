import * as awarenessProtocol from "y-protocols/awareness";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { sendOwnAwarenessOnly } from "../../app/articles/[id]/ownAwarenessOnly";

/** A provider that never connects, whose outgoing awareness messages are recorded. */
function recordingProvider() {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider("ws://127.0.0.1:9", "story", doc, { connect: false, disableBc: true, WebSocketPolyfill: WebSocket as never });
  const sent: number[][] = [];
  // The provider's own handler is what puts an awareness message on the socket.
  const send = provider._awarenessUpdateHandler;
  provider.awareness.off("update", send);
  provider._awarenessUpdateHandler = (changes, origin) => {
    sent.push([...changes.added, ...changes.updated, ...changes.removed]);
  };
  provider.awareness.on("update", provider._awarenessUpdateHandler);
  return { doc, provider, sent };
}

/** A colleague's presence as the server relays it, after `clock` moves (the first is clock 0). */
function colleagueCaret(clientId: number, clock: number): Uint8Array {
  const other = new awarenessProtocol.Awareness(new Y.Doc({ gc: true }));
  other.clientID = clientId;
  for (let i = 0; i < clock; i++) other.setLocalState({ cursor: { at: i } });
  const update = awarenessProtocol.encodeAwarenessUpdate(other, [clientId]);
  other.destroy();
  return update;
}

describe("the editor sends only its own presence", () => {
  it("a colleague's caret moves are not sent back; this tab's own presence still is", () => {
    const { doc, provider, sent } = recordingProvider();
    const stop = sendOwnAwarenessOnly(provider);
    for (let clock = 1; clock <= 3; clock++) awarenessProtocol.applyAwarenessUpdate(provider.awareness, colleagueCaret(4242, clock), "server");
    expect(provider.awareness.getStates().has(4242)).toBe(true);
    expect(sent).toEqual([]);

    provider.awareness.setLocalStateField("cursor", { at: 7 });
    expect(sent).toEqual([[doc.clientID]]);

    stop();
    provider.awareness.setLocalStateField("cursor", { at: 8 });
    expect(sent).toHaveLength(1);
    provider.destroy();
    doc.destroy();
  });

  it("without it, the stock provider sends a colleague's caret back (what this fixes)", () => {
    const { provider, sent } = recordingProvider();
    awarenessProtocol.applyAwarenessUpdate(provider.awareness, colleagueCaret(4242, 2), "server");
    expect(sent).toEqual([[4242]]);
    provider.destroy();
  });
});
