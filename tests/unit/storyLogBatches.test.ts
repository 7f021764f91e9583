// One stored row per story, writer and commit batch (issue 12), on the real group-commit writer
// and room against the in-memory story store: merged rows keep exact authorship, a writer
// refused at commit never takes another writer's row with it, "saved" stays exact per writer,
// and snapshots follow the size of the tail.
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { can } from "../../newsroom/policy";
import { loadEnv } from "../../server/env";
import { clientClocksOf } from "../../server/storyLog/clientOwners";
import { roomOnMemoryStore, testConnection as connection, typist } from "../support/manualRoom";

const bodyOf = (state: Uint8Array | null) => {
  const doc = new Y.Doc();
  if (state) Y.applyUpdate(doc, state);
  return doc.getXmlFragment("body").toString();
};
const clientsOf = (update: Uint8Array) => [...clientClocksOf(Y.decodeUpdate(update)).keys()].sort();

/** A room on the in-memory store with two writers in it, Ann and Bob. */
function twoWriters() {
  const setup = roomOnMemoryStore(["ann", "bob"]);
  const ann = connection("ann");
  const bob = connection("bob");
  setup.room.join(ann.conn);
  setup.room.join(bob.conn);
  return { ...setup, ann, bob };
}

describe("rows per writer and batch", () => {
  it("stores one row per writer for updates typed in one batch window, each holding only its writer's words", async () => {
    const { room, store, writer, ann, bob } = twoWriters();
    const a = typist(101);
    const b = typist(202);
    // All in one turn of the event loop: the writer takes them as one batch.
    room.applyClientUpdate(a.first, ann.conn);
    room.applyClientUpdate(b.first, bob.conn);
    for (const word of ["甲一", "甲二", "甲三"]) {
      room.applyClientUpdate(a.type(word), ann.conn);
      room.applyClientUpdate(b.type(word.replace("甲", "乙")), bob.conn);
    }
    await writer.drain();

    expect(store.calls).toHaveLength(1);
    expect(store.rows.map((row) => row.userId)).toEqual(["ann", "bob"]);
    expect(clientsOf(store.rows[0].update)).toEqual([101]);
    expect(clientsOf(store.rows[1].update)).toEqual([202]);
    const text = bodyOf((await store.load("a1")).state);
    expect(text).toContain("甲一甲二甲三");
    expect(text).toContain("乙一乙二乙三");
    // Owners recorded as the room claimed them: authorship reads these.
    expect([...(await store.clientOwners("a1"))].sort()).toEqual([
      [101, "ann"],
      [202, "bob"],
    ]);
    // "Saved" reaches each writer's own clock.
    expect(ann.saved.at(-1)?.get(101)).toBe(Y.getState(a.doc.store, 101));
    expect(bob.saved.at(-1)?.get(202)).toBe(Y.getState(b.doc.store, 202));
  });

  it("keeps the other writer's row when one writer is refused at commit", async () => {
    const { room, store, writer, ann, bob } = twoWriters();
    store.refuseUsers.add("bob"); // signed out or disabled meanwhile
    const a = typist(101);
    const b = typist(202);
    room.applyClientUpdate(a.first, ann.conn);
    room.applyClientUpdate(b.first, bob.conn);
    room.applyClientUpdate(a.type("留下"), ann.conn);
    room.applyClientUpdate(b.type("不存"), bob.conn);
    await writer.drain();

    expect(store.rows.map((row) => row.userId)).toEqual(["ann"]);
    expect(clientsOf(store.rows[0].update)).toEqual([101]);
    const text = bodyOf((await store.load("a1")).state);
    expect(text).toContain("留下");
    expect(text).not.toContain("不存");
    expect([...(await store.clientOwners("a1")).keys()]).toEqual([101]);
    // The room holds words the log refused: every client reloads from the store.
    expect(ann.closed.map((c) => c.code)).toEqual([1012]);
    expect(bob.closed.map((c) => c.code)).toEqual([1012]);
  });

  it("judges writers again at commit with the rights function it was given", async () => {
    const rights = (actor: Parameters<typeof can>[0], facts: Parameters<typeof can>[2]) => can(actor, "edit", facts);
    const { room, store, writer } = roomOnMemoryStore(["ann"], undefined, rights);
    store.facts.set("a1", { state: "approved", memberIds: ["ann"] }); // approved on another process
    const ann = connection("ann");
    room.join(ann.conn);
    const a = typist(101);
    room.applyClientUpdate(a.first, ann.conn);
    await writer.drain();
    expect(store.rows).toHaveLength(0);
    // The same writer on a story still in draft is stored.
    const again = roomOnMemoryStore(["ann"], undefined, rights);
    again.store.facts.set("a1", { state: "draft", memberIds: ["ann"] });
    const ann2 = connection("ann");
    again.room.join(ann2.conn);
    again.room.applyClientUpdate(typist(102).first, ann2.conn);
    await again.writer.drain();
    expect(again.store.rows.map((row) => row.userId)).toEqual(["ann"]);
  });
});

describe("snapshots by the size of the tail", () => {
  it("folds the tail once it passes the row limit, and the log alone still gives the same story", async () => {
    const { room, store, writer } = roomOnMemoryStore(["ann"], { tailRows: 10, tailBytes: 1 << 20 });
    const ann = connection("ann");
    room.join(ann.conn);
    const a = typist(101);
    room.applyClientUpdate(a.first, ann.conn);
    await writer.drain();
    for (let i = 0; i < 25; i++) {
      room.applyClientUpdate(a.type(`字${i}`), ann.conn);
      await writer.drain(); // one batch (so one row) per keystroke
    }
    await room.close();
    expect(store.rows).toHaveLength(26);
    expect(store.snapshots.length).toBeGreaterThanOrEqual(2);
    const withSnapshots = await store.load("a1");
    expect(withSnapshots.rowsSinceSnapshot).toBeLessThan(10);
    const expected = bodyOf(Y.encodeStateAsUpdate(a.doc));
    expect(bodyOf(withSnapshots.state)).toBe(expected);
    store.snapshots.length = 0; // lost
    expect(bodyOf((await store.load("a1")).state)).toBe(expected);
  });
});

describe("snapshot tail settings", () => {
  it("are refused at start when out of range, naming the setting", () => {
    expect(() => loadEnv({ STORY_SNAPSHOT_TAIL_ROWS: "5" } as unknown as NodeJS.ProcessEnv)).toThrow(/STORY_SNAPSHOT_TAIL_ROWS/);
    expect(() => loadEnv({ STORY_SNAPSHOT_TAIL_BYTES: "12" } as unknown as NodeJS.ProcessEnv)).toThrow(/STORY_SNAPSHOT_TAIL_BYTES/);
    const env = loadEnv({} as NodeJS.ProcessEnv);
    expect([env.STORY_SNAPSHOT_TAIL_ROWS, env.STORY_SNAPSHOT_TAIL_BYTES]).toEqual([2000, 64 * 1024]);
  });
});
