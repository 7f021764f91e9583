import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MESSAGE_AWARENESS } from "../../newsroom/collabMessages";
import { connectClient } from "../support/collabClient";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { collabUrl } from "../support/reliability";
import { createTeamStory, signIn } from "../support/session";
import { createStore, type ServerStore } from "../support/testServer";
import { waitFor } from "../support/wait";

/**
 * Presence updates in the burst: about 25 KB on the wire, so the server reads them in one go
 * (a loopback read takes up to 64 KB), which is what used to be handled in one go;
 * and within a socket's presence budget (twice COLLAB_MAX_AWARENESS_UPDATES_PER_SECOND at once).
 */
const BURST = 800;

/** One masked binary WebSocket frame (RFC 6455 §5.2) with a payload under 126 bytes. */
function smallMaskedFrame(payload: Uint8Array): Buffer {
  if (payload.length >= 126) throw new Error("the frame below has a one-byte length");
  const mask = randomBytes(4);
  const masked = Buffer.from(payload).map((byte, i) => byte ^ mask[i % 4]!);
  return Buffer.concat([Buffer.from([0x82, 0x80 | payload.length]), mask, masked]);
}

/** `count` presence updates of one Yjs client, each moving its caret: clocks 1..count. */
function presenceBurst(count: number): { clientId: number; frames: Buffer } {
  const doc = new Y.Doc();
  const awareness = new awarenessProtocol.Awareness(doc);
  const frames: Buffer[] = [];
  for (let i = 1; i <= count; i++) {
    awareness.setLocalState({ caret: i });
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]));
    frames.push(smallMaskedFrame(encoding.toUint8Array(encoder)));
  }
  const clientId = doc.clientID;
  awareness.destroy();
  doc.destroy();
  return { clientId, frames: Buffer.concat(frames) };
}

// Store-independent (nothing here is committed): the embedded store only.
describe("one socket's burst does not hold a colleague back", () => {
  let store: ServerStore;
  let server: InProcessServer;

  beforeAll(async () => {
    store = await createStore("pglite");
    server = await startInProcessServer(store);
  });
  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  });

  it("relays a colleague's message sent after a burst long before the burst's end", async () => {
    const editor = await signIn(server.url, "huhongye");
    const id = await createTeamStory(server.url, editor, "秋收");
    const watcher = connectClient(server.url, id, editor);
    const colleague = connectClient(server.url, id, await signIn(server.url, "xuweixiang"));
    const burster = new WebSocket(`${collabUrl(server)}/${id}`, { headers: { cookie: await signIn(server.url, "yaoyuchao") } });
    try {
      await Promise.all([watcher.waitSynced(), colleague.waitSynced()]);
      // Joined once the server has spoken (it holds a few frames while it checks the session).
      await new Promise<void>((resolve, reject) => {
        burster.once("message", () => resolve());
        burster.once("close", (code) => reject(new Error(`the bursting socket was closed (${code})`)));
      });
      const burst = presenceBurst(BURST);
      const watched = watcher.provider.awareness;
      let burstClockWhenColleagueSeen: number | null = null;
      watched.on("update", () => {
        if (burstClockWhenColleagueSeen !== null) return;
        const colleagueState = watched.getStates().get(colleague.doc.clientID);
        if (colleagueState?.marker === "乙") burstClockWhenColleagueSeen = watched.meta.get(burst.clientId)?.clock ?? 0;
      });

      // The whole burst in one write, then the colleague's one presence update right after.
      (burster as unknown as { _socket: Socket })._socket.write(burst.frames);
      colleague.provider.awareness.setLocalStateField("marker", "乙");

      await waitFor(() => watched.meta.get(burst.clientId)?.clock === BURST, { timeoutMs: 60_000, message: "the whole burst relayed" });
      expect(burstClockWhenColleagueSeen, "the colleague's presence reached the watcher").not.toBeNull();
      console.log(`[figures] burst fairness: the colleague's presence was relayed after ${burstClockWhenColleagueSeen} of ${BURST} burst messages`);
      // The burst's frames beyond a socket's share of a turn (COLLAB_FRAMES_PER_TURN, 16) wait
      // for later turns, so the colleague's message is handled among the burst's first; all of
      // a read handled in one go, it came after the whole burst.
      expect(burstClockWhenColleagueSeen!).toBeLessThan(BURST / 2);
    } finally {
      burster.terminate();
      watcher.destroy();
      colleague.destroy();
    }
  });
});
