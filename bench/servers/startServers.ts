import { startOurServer } from "./ourServer";
import { startHocuspocusPeer, startYWebsocketPeer } from "./peerServers";
import type { ServerKind, ServerUnderTest } from "./serverUnderTest";

/** Starts one server of the given kind at its defaults. */
export function startServer(kind: ServerKind): Promise<ServerUnderTest> {
  switch (kind) {
    case "ours-pglite":
      return startOurServer("pglite");
    case "ours-postgres":
      return startOurServer("postgres");
    case "y-websocket":
      return startYWebsocketPeer();
    case "hocuspocus":
      return startHocuspocusPeer();
  }
}
