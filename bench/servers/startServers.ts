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

/**
 * Starts every server a scenario compares, one after another (starting them at once would
 * time their start-ups against each other), and stops them all when `work` is done.
 */
export async function withServers<T>(
  kinds: readonly ServerKind[],
  work: (servers: ServerUnderTest[]) => Promise<T>,
): Promise<T> {
  const started: ServerUnderTest[] = [];
  try {
    for (const kind of kinds) started.push(await startServer(kind));
    return await work(started);
  } finally {
    for (const server of started.reverse()) await server.stop().catch(() => {});
  }
}
