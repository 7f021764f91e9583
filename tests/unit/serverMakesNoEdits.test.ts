// The room never changes a story on its own. Yjs answers every remote change to formatted text
// with a cleanup transaction of its own that deletes format marks it judges redundant; if the
// server's copy did that, the deletions would be in memory only: never stored, never relayed,
// yet handed to every client that resyncs, so a client that stayed connected kept different
// formatting from the rest for good (randomConvergence, CI of session 5).
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { seededRandom, type Random } from "../support/random";
import { roomOnMemoryStore, testConnection } from "../support/manualRoom";

const REMOTE = "remote";

/** A writer's copy whose own changes (its cleanups included) wait in an outbox for the room. */
function writerCopy(clientId: number) {
  const doc = new Y.Doc({ gc: false });
  doc.clientID = clientId;
  const outbox: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin !== REMOTE) outbox.push(update);
  });
  return { doc, outbox };
}

/** Types, deletes or formats (bold on or off) somewhere in the one paragraph. */
function randomEdit(doc: Y.Doc, random: Random): void {
  const text = (doc.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;
  const op = random();
  if (op < 0.4 || text.length < 4) text.insert(random.int(0, text.length), "新闻稿件".slice(0, random.int(1, 4)));
  else if (op < 0.6) text.delete(random.int(0, text.length - 2), 1);
  else {
    const at = random.int(0, text.length - 2);
    text.format(at, random.int(1, text.length - at), { [random.pick(["bold", "italic"])]: random.chance(0.7) ? true : null });
  }
}

/** The document these updates make, without the cleanup Yjs would add when applying them. */
function exactly(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc({ gc: false });
  Y.transact(doc, () => Y.applyUpdate(doc, Y.mergeUpdates(updates)), null, true);
  return doc;
}

describe("the room's copy of a story", () => {
  it("holds nothing the store and its writers do not: concurrent formatting leaves no change of the server's own", async () => {
    const random = seededRandom(20261127);
    const { room, store, writer } = roomOnMemoryStore(["ann", "bob", "cai"]);
    const users = ["ann", "bob", "cai"];
    const copies = users.map((_, i) => writerCopy(100 + i));
    const connections = users.map((user) => testConnection(user));
    for (const c of connections) room.join(c.conn);

    const seed = copies[0].doc;
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText("长沙报道以育廉培根铸魂")]);
    seed.getXmlFragment("body").insert(0, [paragraph]);
    room.applyClientUpdate(copies[0].outbox.splice(0).reduce((a, b) => Y.mergeUpdates([a, b])), connections[0].conn);
    await writer.drain();
    for (const copy of copies.slice(1)) Y.applyUpdate(copy.doc, Y.encodeStateAsUpdate(room.doc), REMOTE);

    for (let step = 0; step < 400; step++) {
      const i = random.int(0, copies.length - 1);
      const copy = copies[i];
      randomEdit(copy.doc, random);
      // Sends what it has to the room now and then; catches up with the room now and then.
      if (random.chance(0.3)) for (const update of copy.outbox.splice(0)) room.applyClientUpdate(update, connections[i].conn);
      if (random.chance(0.2)) {
        await writer.drain();
        const j = random.int(0, copies.length - 1);
        Y.applyUpdate(copies[j].doc, Y.encodeStateAsUpdate(room.doc, Y.encodeStateVector(copies[j].doc)), REMOTE);
      }
    }
    copies.forEach((copy, i) => {
      for (const update of copy.outbox.splice(0)) room.applyClientUpdate(update, connections[i].conn);
    });
    await writer.drain();
    for (const c of connections) expect(JSON.stringify(c.closed), "no writer was refused").toBe("[]");

    // The room's copy is exactly what its writers sent, and exactly what the store holds.
    const fromWriters = exactly(copies.map((copy) => Y.encodeStateAsUpdate(copy.doc)));
    const fromStore = exactly(store.rows.map((row) => row.update));
    const sameAsRoom = (doc: Y.Doc) => Y.equalSnapshots(Y.snapshot(doc), Y.snapshot(room.doc));
    expect(sameAsRoom(fromStore), "the store holds every change the room's copy has").toBe(true);
    expect(sameAsRoom(fromWriters), "the room's copy has no change its writers did not make").toBe(true);
  });
});
