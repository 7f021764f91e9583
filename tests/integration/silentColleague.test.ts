import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { loadEnv } from "../../server/env";
import { backends } from "../support/backends";
import { connectClient, type CollabClient } from "../support/collabClient";
import { createTeamStory, getArticle, signIn } from "../support/session";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { createStore, type ServerStore } from "../support/testServer";
import { waitFor } from "../support/wait";

/** Short enough that the test outlasts many pings; the default is two seconds. */
const PING_INTERVAL_MS = 300;

/** Ping rounds after which a silent colleague has left everyone's presence list (collabServer.ts). */
const ROUNDS_TO_LEAVE = 2;

/** The client's own socket (y-websocket's, a `ws` WebSocket in Node), which sees the server's pings. */
const socketOf = (client: CollabClient) => client.provider.ws as unknown as WebSocket;

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

/**
 * One masked binary WebSocket frame (RFC 6455 §5.2) carrying a sync step 1 of the client's
 * document: a valid, harmless message the test can put on the wire a byte at a time.
 */
function syncStep1Frame(client: CollabClient): Buffer {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeSyncStep1(encoder, client.doc);
  const payload = Buffer.from(encoding.toUint8Array(encoder));
  if (payload.length >= 126) throw new Error("the frame below has a one-byte length");
  const mask = randomBytes(4);
  const masked = payload.map((byte, i) => byte ^ mask[i % 4]!);
  return Buffer.concat([Buffer.from([0x82, 0x80 | payload.length]), mask, masked]);
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

      // Every round pings every socket: the rounds the live colleague sees while the reporter is
      // still listed count how long she stays, in intervals rather than in wall-clock time.
      let roundsWhileListed = 0;
      socketOf(watcher).on("ping", () => {
        if (namesSeenBy(watcher).includes("姚宇超")) roundsWhileListed += 1;
      });
      goSilent(silent);
      // Well before Yjs's own 30 s awareness timeout: only the server cutting the silent socket removes her.
      await waitFor(() => !namesSeenBy(watcher).includes("姚宇超"), { timeoutMs: 8_000, message: "the silent reporter leaves the presence list" });
      expect(roundsWhileListed).toBeLessThanOrEqual(ROUNDS_TO_LEAVE);
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

  it("keeps a colleague whose message trickles in over several intervals (a large paste on a slow uplink)", async () => {
    const editor = await signIn(server.url, "huhongye");
    const id = await createTeamStory(server.url, editor, "慢速上传");
    const uploader = connectClient(server.url, id, editor);
    let drops = 0;
    uploader.provider.on("status", ({ status }: { status: string }) => {
      if (status === "disconnected") drops += 1;
    });
    try {
      await uploader.waitSynced();
      // While its upload is on the wire the client answers no ping (its pongs queue behind the
      // upload): it stops reading, and its frame reaches the server a byte per half interval,
      // over many rounds. Nothing else writes to its socket meanwhile.
      const socket = (uploader.provider.ws as unknown as { _socket: Socket })._socket;
      socket.pause();
      const frame = syncStep1Frame(uploader);
      expect(frame.length).toBeGreaterThanOrEqual(8);
      for (const byte of frame) {
        socket.write(Buffer.from([byte]));
        await new Promise((resolve) => setTimeout(resolve, PING_INTERVAL_MS / 2));
      }
      socket.resume();
      await waitFor(() => uploader.provider.synced && uploader.provider.wsconnected, { message: "the uploader still connected" });
      expect(drops).toBe(0);
    } finally {
      uploader.destroy();
    }
  });

  it("keeps a live colleague through a server stall longer than an interval", async () => {
    const editor = await signIn(server.url, "huhongye");
    const id = await createTeamStory(server.url, editor, "服务器卡顿");
    const watcher = connectClient(server.url, id, editor);
    let drops = 0;
    watcher.provider.on("status", ({ status }: { status: string }) => {
      if (status === "disconnected") drops += 1;
    });
    try {
      await watcher.waitSynced();
      // The server lives in this process: blocking it right after a ping (the client's pong is
      // already on its way) holds that pong unread while the next round falls due.
      let pings = 0;
      socketOf(watcher).on("ping", () => {
        pings += 1;
        if (pings !== 1) return;
        const until = Date.now() + 3 * PING_INTERVAL_MS;
        while (Date.now() < until) {
          // a stalled event loop (a long synchronous task, a GC pause)
        }
      });
      await waitFor(() => pings >= 4, { timeoutMs: 8_000, message: "three more ping rounds after the stall" });
      expect(drops).toBe(0);
      expect(watcher.provider.wsconnected).toBe(true);
    } finally {
      watcher.destroy();
    }
  });
});

describe("the default ping interval", () => {
  it("drops a vanished colleague within a few seconds, and stays bounded", () => {
    const interval = loadEnv({ NODE_ENV: "production" } as unknown as NodeJS.ProcessEnv).COLLAB_PING_INTERVAL_MS;
    // Issue 13: colleagues stop listing someone whose network went within about 5 s.
    expect(ROUNDS_TO_LEAVE * interval).toBeLessThanOrEqual(5_000);
    expect(() => loadEnv({ NODE_ENV: "production", COLLAB_PING_INTERVAL_MS: "3600000" } as unknown as NodeJS.ProcessEnv)).toThrow(/COLLAB_PING_INTERVAL_MS/);
    expect(() => loadEnv({ NODE_ENV: "production", COLLAB_PING_INTERVAL_MS: "10" } as unknown as NodeJS.ProcessEnv)).toThrow(/COLLAB_PING_INTERVAL_MS/);
  });
});
