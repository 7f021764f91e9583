import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/backends";
import { connectClient, type CollabClient } from "../support/collabClient";
import { createTeamStory, getArticle, signIn } from "../support/session";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { createStore, type ServerStore } from "../support/testServer";
import { waitFor } from "../support/wait";

/** Short enough that the test outlasts many pings; the default is ten seconds. */
const PING_INTERVAL_MS = 300;

/** Names the colleague `watcher` sees in the story's presence. */
function namesSeenBy(watcher: CollabClient): string[] {
  return [...watcher.provider.awareness.getStates().values()]
    .map((state) => (state.user as { name?: string } | undefined)?.name)
    .filter((name): name is string => typeof name === "string");
}

/**
 * Stops reading the client's TCP connection without closing it: what a laptop whose network
 * vanished looks like to the server (no close frame, no answer to pings).
 */
function goSilent(client: CollabClient): void {
  const socket = (client.provider.ws as unknown as { _socket: Socket })._socket;
  socket.pause();
}

describe.each(backends())("a colleague whose network vanished (%s)", (backend) => {
  let store: ServerStore;
  let server: InProcessServer;

  beforeAll(async () => {
    store = await createStore(backend);
    server = await startInProcessServer(store, { COLLAB_PING_INTERVAL_MS: String(PING_INTERVAL_MS) });
  });
  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  });

  it("is no longer listed as present once pings go unanswered, while a live colleague stays", async () => {
    const reporter = await signIn(server.url, "yaoyuchao");
    const editor = await signIn(server.url, "huhongye");
    const id = await createTeamStory(server.url, editor, "断网的同事");
    const silent = connectClient(server.url, id, reporter);
    const watcher = connectClient(server.url, id, editor);
    let watcherDrops = 0;
    watcher.provider.on("status", ({ status }: { status: string }) => {
      if (status === "disconnected") watcherDrops += 1;
    });
    try {
      await Promise.all([silent.waitSynced(), watcher.waitSynced()]);
      silent.provider.awareness.setLocalStateField("user", { name: "x" });
      await waitFor(() => namesSeenBy(watcher).includes("姚宇超"), { message: "the reporter's presence at the editor" });

      goSilent(silent);
      // Well before Yjs's own 30 s awareness timeout: only the server cutting the silent socket removes her.
      await waitFor(() => !namesSeenBy(watcher).includes("姚宇超"), { timeoutMs: 8_000, message: "the silent reporter leaves the presence list" });
      const listed = await getArticle(server.url, editor, id);
      expect(listed.present.map((p) => p.name)).not.toContain("姚宇超");

      // The colleague who answers pings was never cut, however many pings went by.
      expect(watcherDrops).toBe(0);
      expect(watcher.provider.wsconnected).toBe(true);
    } finally {
      silent.destroy();
      watcher.destroy();
    }
  });
});
