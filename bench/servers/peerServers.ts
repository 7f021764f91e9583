import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { connectHocuspocusClient } from "../clients/hocuspocusClient";
import { connectWebsocketClient } from "../clients/yWebsocketClient";
import { startChildServer } from "./childServer";
import type { ServerUnderTest } from "./serverUnderTest";

const PEERS_DIR = path.resolve(import.meta.dirname, "peers");
const newDocName = () => `bench-${randomBytes(6).toString("hex")}`;

/** The reference y-websocket server, in memory. */
export async function startYWebsocketPeer(): Promise<ServerUnderTest> {
  const child = await startChildServer(path.join(PEERS_DIR, "yWebsocketMain.ts"), [], {});
  const url = `http://127.0.0.1:${child.port}`;
  return {
    kind: "y-websocket",
    pid: child.process.pid!,
    probe: child.probe,
    newDocument: async () => newDocName(),
    // Same URL shape as ours (/collab/<doc>); the peer takes the whole path as the doc name.
    connect: (docName) => connectWebsocketClient(url, docName, "", { acknowledges: false }),
    storedText: async () => null,
    output: () => child.output(),
    stop: () => child.stop(),
  };
}

export interface HocuspocusPeerOptions {
  /** An SQLite file to use (prepared by the cold-open loader); a fresh temp file otherwise. */
  databaseFile?: string;
}

/** Hocuspocus with the SQLite extension, storing to a file. */
export async function startHocuspocusPeer(options: HocuspocusPeerOptions = {}): Promise<ServerUnderTest> {
  const dir = options.databaseFile ? null : fs.mkdtempSync(path.join(os.tmpdir(), "newsroom-bench-hocuspocus-"));
  const databaseFile = options.databaseFile ?? path.join(dir!, "hocuspocus.sqlite");
  const child = await startChildServer(path.join(PEERS_DIR, "hocuspocusMain.ts"), [databaseFile], {});
  const wsUrl = `ws://127.0.0.1:${child.port}`;
  return {
    kind: "hocuspocus",
    pid: child.process.pid!,
    probe: child.probe,
    newDocument: async () => newDocName(),
    connect: (docName) => connectHocuspocusClient(wsUrl, docName),
    storedText: async () => null,
    output: () => child.output(),
    async stop() {
      await child.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
