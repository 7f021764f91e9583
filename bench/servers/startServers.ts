import { startOurCluster } from "./ourCluster";
import { startOurServer } from "./ourServer";
import { startHocuspocusPeer, startYWebsocketPeer } from "./peerServers";
import { parseVariant, type ServerKind, type ServerUnderTest } from "./serverUnderTest";

/** Starts one server of the given kind at its defaults (a variant: plus its settings). */
export function startServer(kind: ServerKind): Promise<ServerUnderTest> {
  const variant = parseVariant(kind);
  if (variant) return startOurServer(variant.base === "ours-pglite" ? "pglite" : "postgres", { extraEnv: variant.env, kind });
  switch (kind) {
    case "ours-pglite":
      return startOurServer("pglite");
    case "ours-postgres":
      return startOurServer("postgres");
    case "ours-cluster-2":
      return startOurCluster(2);
    case "ours-cluster-3":
      return startOurCluster(3);
    case "y-websocket":
      return startYWebsocketPeer();
    case "hocuspocus":
      return startHocuspocusPeer();
  }
  throw new Error(`unknown server kind ${kind}`);
}
