// The room's parts against the in-memory story store (issues 11 and 12): the commit gate
// holds every relay and sync answer until its updates are committed and says "saved" only for
// what is; changes from the bus are relayed at once and never logged again.
import * as decoding from "lib0/decoding";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CommitGate } from "../../server/collab/commitGate";
import { StoryDocument } from "../../server/collab/storyDocument";
import { roomOnMemoryStore, testConnection as connection, typist } from "../support/manualRoom";

const committedResult = (updates: number, refused: number[] = []) => ({ lastUpdateId: 0, updates, rows: updates, bytes: 0, refused });

/** A gate on a fresh story with a sender and a reader in it; `sent` counts what the reader got. */
function gateWithReader() {
  const story = new StoryDocument(null);
  const published: Uint8Array[] = [];
  const gate = new CommitGate(story, "a1", (update) => published.push(update));
  const sender = connection("sender");
  const received: Uint8Array[] = [];
  const reader = { ...connection("reader").conn, send: (message: Uint8Array) => received.push(message) };
  story.connections.add(sender.conn);
  story.connections.add(reader);
  return { story, gate, sender, reader, received, published };
}

describe("commit gate", () => {
  it("releases relays in order, only once their updates are committed, to everyone but the sender and to other processes", () => {
    const { story, gate, sender, received, published } = gateWithReader();
    const t = typist(7);
    for (const update of [t.first, t.type("一"), t.type("二")]) {
      Y.applyUpdate(story.doc, update);
      gate.applied(update, update, sender.conn, []);
    }
    expect(received).toHaveLength(0);
    expect(published).toHaveLength(0);
    gate.committed(committedResult(2));
    gate.release();
    expect(received).toHaveLength(2);
    expect(published).toHaveLength(2);
    expect(gate.uncommitted).toBe(1);
    gate.committed(committedResult(1));
    gate.release();
    expect(received).toHaveLength(3);
  });

  it("never says saved for an update still queued, and drops the relay of a refused one", () => {
    const { story, gate, sender, received } = gateWithReader();
    const t = typist(7);
    const updates = [t.first, t.type("存"), t.type("拒")];
    for (const update of updates) {
      Y.applyUpdate(story.doc, update);
      gate.applied(update, update, sender.conn, []);
    }
    gate.committed(committedResult(1));
    gate.release();
    const savedAfterFirst = Y.decodeStateVector(decodeSaved(gate.foldSaved(1)));
    expect(savedAfterFirst.get(7)).toBe(Y.parseUpdateMeta(updates[0]).to.get(7));
    // The second stored, the third refused: its relay never leaves.
    const refused = gate.committed(committedResult(1, [1]));
    expect([...refused]).toEqual([3]);
    gate.release();
    expect(received).toHaveLength(2);
    expect(gate.uncommitted).toBe(0);
  });

  it("gives every waiting server edit its fate when the writer gives up", async () => {
    const { story, gate, sender } = gateWithReader();
    const t = typist(7);
    Y.applyUpdate(story.doc, t.first);
    const seq = gate.applied(t.first, t.first, sender.conn, []);
    const waiting = gate.whenCommitted(seq);
    gate.givenUp(new Error("database down"));
    await expect(waiting).rejects.toThrow("database down");
    expect(gate.uncommitted).toBe(0);
  });
});

describe("typed origins", () => {
  it("relays an update from the bus at once and never logs it; a connection's is logged with its sender", async () => {
    const { room, store, writer } = roomOnMemoryStore(["ann"]);
    const ann = connection("ann");
    const received: Uint8Array[] = [];
    const reader = { ...connection("reader").conn, send: (message: Uint8Array) => received.push(message) };
    room.join(ann.conn);
    room.join(reader);
    const joinMessages = received.length;
    room.applyRemoteUpdate(typist(9).first, [[9, "bob"]]);
    expect(received.length).toBe(joinMessages + 1);
    room.applyClientUpdate(typist(101).first, ann.conn);
    await writer.drain();
    expect(store.rows.map((row) => row.userId)).toEqual(["ann"]);
  });
});

/** The state vector a message 100 carries. */
function decodeSaved(message: Uint8Array): Uint8Array {
  const decoder = decoding.createDecoder(message);
  decoding.readVarUint(decoder);
  return decoding.readVarUint8Array(decoder);
}
