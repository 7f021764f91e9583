import type { Page } from "playwright-core";
import { MESSAGE_SAVED } from "../../newsroom/collabMessages";

/**
 * When Chromium's network service sent and received each Yjs document update on a page's
 * sockets (CDP Network.webSocketFrameSent / Received; y-websocket's sync message 0, update 2),
 * in ms of the browser's monotonic clock (one clock for every page, but not the pages' own:
 * compare these only with each other). The gap from one page's send to the other's receipt is
 * the server's share (loopback socket, receive, commit, relay) with neither page's event loop
 * in it. The n-th frame is the n-th update the page itself sent or took up. `saved` is when
 * the server's "saved" messages (committed state vectors) reached the page's socket: from a
 * typist's send to its "saved" is the commit's share of the server's.
 */
export async function watchSocketFrames(page: Page): Promise<{ sent: number[]; received: number[]; saved: number[]; reset: () => void }> {
  const cdp = await page.context().newCDPSession(page);
  const frames = { sent: [] as number[], received: [] as number[], saved: [] as number[] };
  const head = (payload: string, opcode: number) => (opcode === 2 ? Buffer.from(payload.slice(0, 4), "base64") : Buffer.alloc(0));
  const isUpdate = (payload: string, opcode: number) => {
    const bytes = head(payload, opcode);
    return bytes.length > 1 && bytes[0] === 0 && bytes[1] === 2;
  };
  cdp.on("Network.webSocketFrameSent", ({ timestamp, response }) => {
    if (isUpdate(response.payloadData, response.opcode)) frames.sent.push(timestamp * 1000);
  });
  cdp.on("Network.webSocketFrameReceived", ({ timestamp, response }) => {
    if (isUpdate(response.payloadData, response.opcode)) frames.received.push(timestamp * 1000);
    else if (head(response.payloadData, response.opcode)[0] === MESSAGE_SAVED) frames.saved.push(timestamp * 1000);
  });
  await cdp.send("Network.enable");
  return {
    ...frames,
    reset: () => {
      frames.sent.length = 0;
      frames.received.length = 0;
      frames.saved.length = 0;
    },
  };
}
