import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { DeletionIndex, diffSize, diffVersions } from "../../newsroom/versionDiff";

/** Two writers on one document, every update logged with its sender, like the server does. */
function story() {
  const doc = new Y.Doc({ gc: false });
  const log: { update: Uint8Array; author: string }[] = [];
  const owners = new Map<number, string>();
  const paragraph = new Y.XmlElement("paragraph");
  const text = new Y.XmlText();
  doc.transact(() => {
    doc.getXmlFragment("body").insert(0, [paragraph]);
    paragraph.insert(0, [text]);
  });
  const as = (author: string, edit: (t: Y.XmlText) => void) => {
    // Each author writes from their own client id, as separate browsers do.
    const before = Y.encodeStateVector(doc);
    const clientId = [...owners].find(([, a]) => a === author)?.[0] ?? 1000 + owners.size;
    owners.set(clientId, author);
    const saved = doc.clientID;
    doc.clientID = clientId;
    doc.transact(() => edit(text));
    doc.clientID = saved;
    log.push({ update: Y.encodeStateAsUpdate(doc, before), author });
    return Y.encodeStateAsUpdate(doc);
  };
  return { doc, log, owners, as };
}

describe("diffVersions", () => {
  it("attributes insertions to their writer and deletions to whoever deleted", () => {
    const s = story();
    const v1 = s.as("甲", (t) => t.insert(0, "甲写的第一句。"));
    s.as("乙", (t) => t.insert(7, "乙补充。"));
    const v2 = s.as("丙", (t) => t.delete(3, 3)); // "第一句"
    const deletions = new DeletionIndex();
    for (const row of s.log.slice(1)) deletions.add(row.update, row.author);
    const diff = diffVersions(v2, v1, {
      authorOf: (client) => s.owners.get(client) ?? null,
      deleterOf: (id) => deletions.deleterOf(id) ?? null,
    });
    expect(diff.blocks).toHaveLength(1);
    expect(diff.blocks[0].status).toBe("changed");
    expect(diff.blocks[0].spans).toEqual([
      { kind: "same", text: "甲写的", author: "甲" },
      { kind: "del", text: "第一句", author: "丙" },
      { kind: "same", text: "。", author: "甲" },
      { kind: "ins", text: "乙补充。", author: "乙" },
    ]);
    expect(diffSize(diff)).toEqual({ added: 4, removed: 3 });
    expect(diff.authors.find((a) => a.author === "乙")).toEqual({ author: "乙", inserted: 4, deleted: 0 });
  });

  it("against nothing, every visible character counts for its writer (contribution)", () => {
    const s = story();
    s.as("甲", (t) => t.insert(0, "一二三"));
    const now = s.as("乙", (t) => t.insert(3, "四五"));
    const diff = diffVersions(now, null, { authorOf: (c) => s.owners.get(c) ?? null, deleterOf: () => null });
    expect(diff.authors).toEqual([
      { author: "甲", inserted: 3, deleted: 0 },
      { author: "乙", inserted: 2, deleted: 0 },
    ]);
    expect(diff.blocks[0].status).toBe("inserted");
  });

  it("does not count whitespace as written characters", () => {
    const s = story();
    const v1 = s.as("甲", (t) => t.insert(0, "字"));
    const v2 = s.as("甲", (t) => t.insert(1, "  \n 字"));
    expect(diffSize(diffVersions(v2, v1, { authorOf: () => "甲", deleterOf: () => null }))).toEqual({ added: 1, removed: 0 });
  });
});
