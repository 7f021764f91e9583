import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { DeletionIndex } from "../../newsroom/versionDiff";

/** A log of edits by three writers, with deletions of each other's text, overlapping ones included. */
function loggedEdits() {
  const doc = new Y.Doc({ gc: false });
  const text = doc.getText("t");
  const log: { update: Uint8Array; author: string }[] = [];
  const authors = ["甲", "乙", "丙"];
  for (let step = 0; step < 300; step++) {
    const author = authors[step % 3];
    const before = Y.encodeStateVector(doc);
    doc.clientID = 100 + (step % 3);
    if (step % 4 === 3 && text.length > 2) text.delete((step * 7) % (text.length - 1), 2);
    else text.insert((step * 13) % (text.length + 1), "字词");
    log.push({ update: Y.encodeStateAsUpdate(doc, before), author });
  }
  // The same range deleted again by someone else later (concurrent deletes are both logged).
  log.push({ update: log[3].update, author: "丙" });
  return { doc, log };
}

describe("deletions kept with versions", () => {
  it("rebuild, segment by segment, the index the whole log gives", () => {
    const { doc, log } = loggedEdits();
    const whole = new DeletionIndex();
    for (const row of log) whole.add(row.update, row.author);

    // Versions at rows 90, 200 and the end each keep the ranges of their own segment.
    const bounds = [0, 90, 200, log.length];
    const rebuilt = new DeletionIndex();
    for (let i = 1; i < bounds.length; i++) {
      const segment = new DeletionIndex();
      for (const row of log.slice(bounds[i - 1], bounds[i])) segment.add(row.update, row.author);
      const stored = JSON.parse(JSON.stringify(segment.ranges())) as ReturnType<DeletionIndex["ranges"]>;
      for (const range of stored) rebuilt.addRange(range);
    }

    const deleted: Y.ID[] = [];
    for (const [client, ranges] of Y.snapshot(doc).ds.clients) {
      for (const r of ranges) for (let k = 0; k < r.len; k++) deleted.push(Y.createID(client, r.clock + k));
    }
    expect(deleted.length).toBeGreaterThan(50);
    for (const id of deleted) expect(rebuilt.deleterOf(id)).toBe(whole.deleterOf(id));
    expect(rebuilt.ranges()).toEqual(whole.ranges());
  });
});
