// A Room in memory whose commits happen when a test says so: for unit tests of the room's
// bookkeeping (held answers, parked updates). Integration tests use the real server instead.
import * as decoding from "lib0/decoding";
import * as Y from "yjs";
import { MESSAGE_SAVED, MESSAGE_SYNC } from "../../newsroom/collabMessages";
import type { CheckpointScheduler } from "../../server/collab/checkpointScheduler";
import { GroupCommitWriter } from "../../server/collab/groupCommit";
import { Room, type RoomConnection } from "../../server/collab/room";
import { MemoryStoryStore } from "../../server/storyLog/memoryStoryStore";
import { DEFAULT_SNAPSHOT_LIMITS, type SnapshotLimits } from "../../server/storyLog/snapshotPolicy";
import type { RightsAtCommit } from "../../server/storyLog/storyStore";
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
  awarenessUpdatesPerSecond: 1000,
  maxAwarenessStateBytes: 4096,
};

/**
 * A connection that keeps the sync step 2 answers it is sent (as documents), the "saved"
 * vectors (decoded) and its close.
 */
export function testConnection(userId: string, limits: Partial<SocketBudgetLimits> = {}) {
  const answers: Y.Doc[] = [];
  const saved: Map<number, number>[] = [];
  const closed: { code: number; reason: string }[] = [];
  const conn: RoomConnection = {
    user: { id: userId, name: userId, color: "#000" } as RoomConnection["user"],
    actor: { id: userId, role: "reporter" } as RoomConnection["actor"],
    sessionId: null,
    awarenessIds: new Set(),
    send(message) {
      const decoder = decoding.createDecoder(message);
      const kind = decoding.readVarUint(decoder);
      if (kind === MESSAGE_SAVED) saved.push(Y.decodeStateVector(decoding.readVarUint8Array(decoder)));
      if (kind !== MESSAGE_SYNC || decoding.readVarUint(decoder) !== 1) return;
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
  return { conn, answers, saved, closed };
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
    new MemoryStoryStore(),
    writer,
    checkpoints,
  );
  const commit = (updates: number) => room.onCommitted(null, { lastUpdateId: 0, updates, rows: updates, bytes: 0, refused: [] });
  return { room, commit };
}

/**
 * A room on the real group-commit writer and the in-memory story store: commits happen as in
 * the server (batched by the writer), without a database.
 */
export function roomOnMemoryStore(
  memberIds: string[] = ["writer"],
  snapshotLimits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS,
  rightsAtCommit: RightsAtCommit | null = null,
) {
  const articleId = "a1";
  const store = new MemoryStoryStore();
  const writer = new GroupCommitWriter(store, { delayMs: 0 }, Date.now, rightsAtCommit);
  const checkpoints = { noteEdit() {}, flush: async () => {} } as unknown as CheckpointScheduler;
  const room = new Room(
    articleId,
    { state: "draft", memberIds },
    { state: null, lastUpdateId: 0, rowsSinceSnapshot: 0, bytesSinceSnapshot: 0, snapshotBytes: 0 },
    new Map(),
    store,
    writer,
    checkpoints,
    null,
    snapshotLimits,
  );
  return { room, store, writer };
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
