// A Room in memory whose commits happen when a test says so: for unit tests of the room's
// bookkeeping (held answers, parked updates). Integration tests use the real server instead.
import * as decoding from "lib0/decoding";
import * as Y from "yjs";
import type { Db } from "../../db/client";
import { MESSAGE_SYNC } from "../../newsroom/collabMessages";
import type { CheckpointScheduler } from "../../server/collab/checkpointScheduler";
import type { GroupCommitWriter } from "../../server/collab/groupCommit";
import { Room, type RoomConnection } from "../../server/collab/room";
import { AccountBudgets, type SocketBudgetLimits } from "../../server/collab/socketBudgets";

const generous: SocketBudgetLimits = {
  updatesPerSecond: 1000,
  updateBytesPerSecond: 1 << 24,
  accountUpdatesPerSecond: 1000,
  accountUpdateBytesPerSecond: 1 << 24,
  newClientIdsPerMinute: 1000,
  maxPendingBytes: 1 << 16,
  maxParkedUpdates: 32,
  awarenessQueriesPerSecond: 5,
  maxAwarenessStateBytes: 4096,
};

/** A connection that keeps the sync step 2 answers it is sent (as documents) and its close. */
export function testConnection(userId: string, limits: Partial<SocketBudgetLimits> = {}) {
  const answers: Y.Doc[] = [];
  const closed: { code: number; reason: string }[] = [];
  const conn: RoomConnection = {
    user: { id: userId, name: userId, color: "#000" } as RoomConnection["user"],
    actor: { id: userId, role: "reporter" } as RoomConnection["actor"],
    sessionId: null,
    awarenessIds: new Set(),
    send(message) {
      const decoder = decoding.createDecoder(message);
      if (decoding.readVarUint(decoder) !== MESSAGE_SYNC || decoding.readVarUint(decoder) !== 1) return;
      const doc = new Y.Doc();
      Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
      answers.push(doc);
    },
    close(code, reason) {
      closed.push({ code, reason });
    },
    takeSyncRequest: () => true,
    budget: new AccountBudgets({ ...generous, ...limits }).forConnection(userId),
  };
  return { conn, answers, closed };
}

/** A room (no database behind it) and a way to say "the next `rows` updates are committed". */
export function roomWithManualCommits() {
  const writer = { append() {}, drain: async () => {} } as unknown as GroupCommitWriter;
  const checkpoints = { noteEdit() {}, flush: async () => {} } as unknown as CheckpointScheduler;
  const room = new Room(
    "a1",
    { state: "draft", memberIds: ["writer"] },
    { state: null, lastUpdateId: 0, rowsSinceSnapshot: 0, bytesSinceSnapshot: 0, snapshotBytes: 0 },
    new Map(),
    {} as Db,
    writer,
    checkpoints,
  );
  const commit = (rows: number) => room.onCommitted(null, { lastUpdateId: 0, rows, bytes: 0, refused: [] });
  return { room, commit };
}

/** A client typing into a paragraph of its own: `first` creates it, `type` returns each keystroke's update. */
export function typist(clientId?: number) {
  const doc = new Y.Doc();
  if (clientId !== undefined) doc.clientID = clientId;
  const text = new Y.XmlText();
  let pending: Uint8Array | null = null;
  doc.on("update", (u: Uint8Array) => (pending = u));
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [text]);
  doc.getXmlFragment("body").insert(0, [paragraph]);
  const first = pending!;
  return {
    doc,
    first,
    type(words: string) {
      text.insert(text.length, words);
      return pending!;
    },
  };
}
