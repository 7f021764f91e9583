// Sync step 1 answers wait for the commits of what the story holds (a client never gets an
// edit the server could still lose). They are held as a state vector, one per connection, and
// encoded from committed content only when released.
import * as decoding from "lib0/decoding";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { Db } from "../../db/client";
import { MESSAGE_SYNC } from "../../newsroom/collabMessages";
import type { CheckpointScheduler } from "../../server/collab/checkpointScheduler";
import type { GroupCommitWriter } from "../../server/collab/groupCommit";
import { Room, type RoomConnection } from "../../server/collab/room";
import { AccountBudgets } from "../../server/collab/socketBudgets";

const budgets = new AccountBudgets({
  updatesPerSecond: 1000,
  updateBytesPerSecond: 1 << 24,
  accountUpdatesPerSecond: 1000,
  accountUpdateBytesPerSecond: 1 << 24,
  newClientIdsPerMinute: 1000,
  maxPendingBytes: 1 << 16,
  maxParkedUpdates: 32,
  awarenessQueriesPerSecond: 5,
  maxAwarenessStateBytes: 4096,
});

/** A connection that keeps the sync step 2 answers it is sent, as documents. */
function connection(userId: string) {
  const answers: Y.Doc[] = [];
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
    close() {},
    takeSyncRequest: () => true,
    budget: budgets.forConnection(userId),
  };
  return { conn, answers };
}

/** A room whose commits happen when the test says so. */
function roomWithManualCommits() {
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

/** A paragraph typed by a client of its own, as one update per call. */
function typist() {
  const doc = new Y.Doc();
  const text = new Y.XmlText();
  let pending: Uint8Array | null = null;
  doc.on("update", (u: Uint8Array) => (pending = u));
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [text]);
  doc.getXmlFragment("body").insert(0, [paragraph]);
  const first = pending!;
  return {
    first,
    type(words: string) {
      text.insert(text.length, words);
      return pending!;
    },
  };
}

const bodyOf = (doc: Y.Doc) => doc.getXmlFragment("body").toString();
const emptyVector = () => Y.encodeStateVector(new Y.Doc());

describe("held sync answers", () => {
  it("are answered at once when everything is committed", () => {
    const { room } = roomWithManualCommits();
    const reader = connection("reader");
    room.join(reader.conn);
    room.answerSyncStep1(reader.conn, emptyVector());
    expect(reader.answers).toHaveLength(1);
  });

  it("keep one per connection, the newest, and hold only committed content", () => {
    const { room, commit } = roomWithManualCommits();
    const writer = connection("writer");
    const reader = connection("reader");
    room.join(writer.conn);
    room.join(reader.conn);
    const t = typist();
    room.applyClientUpdate(t.first, writer.conn);
    room.applyClientUpdate(t.type("已存"), writer.conn);
    for (let i = 0; i < 10; i++) room.answerSyncStep1(reader.conn, emptyVector());
    // Typed after the requests, and not committed when the answer leaves.
    room.applyClientUpdate(t.type("未存"), writer.conn);
    expect(reader.answers).toHaveLength(0);
    commit(2);
    expect(reader.answers).toHaveLength(1);
    expect(bodyOf(reader.answers[0])).toContain("已存");
    expect(bodyOf(reader.answers[0])).not.toContain("未存");
    commit(1);
    expect(reader.answers).toHaveLength(1);
  });

  it("are dropped when their connection leaves", () => {
    const { room, commit } = roomWithManualCommits();
    const writer = connection("writer");
    const reader = connection("reader");
    room.join(writer.conn);
    room.join(reader.conn);
    room.applyClientUpdate(typist().first, writer.conn);
    room.answerSyncStep1(reader.conn, emptyVector());
    room.leave(reader.conn);
    room.join(reader.conn); // the same object back: a left request must not be answered
    commit(1);
    expect(reader.answers).toHaveLength(0);
  });
});
