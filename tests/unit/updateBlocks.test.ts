import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { suggestInsertion } from "../../newsroom/suggestionEdits";
import { markNameOfKey, SUGGEST_INSERT } from "../../newsroom/suggestionMarks";
import { suggestionsInDoc } from "../../newsroom/suggestions";
import { decodeUpdate, MalformedUpdate } from "../../server/collab/clientUpdates";
import { repeatedClientBlock } from "../../server/collab/updateBlocks";
import { verbatimDoc } from "../../server/storyLog/verbatimDoc";
import { editBody, suggester } from "../support/suggesting";

const EDITOR = "a1b2c3d4-0000-4000-8000-00000000000c";
const FORGER_CLIENT = 50;

const firstText = (doc: Y.Doc) => (doc.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;
const verdict = (update: Uint8Array) => repeatedClientBlock(update, Y.decodeUpdate(update));

/** Writes an update's struct blocks by hand: [client, first clock, structs] in the order given. */
function handWritten(blocks: [number, number, Y.Item[]][], deletes: [number, number, number][] = []): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  const write = (value: number) => encoding.writeVarUint(encoder.restEncoder, value);
  write(blocks.length);
  for (const [client, clock, structs] of blocks) {
    write(structs.length);
    encoder.writeClient(client);
    write(clock);
    for (const struct of structs) struct.write(encoder, 0);
  }
  write(deletes.length);
  for (const [client, clock, len] of deletes) {
    write(client);
    write(1);
    write(clock);
    write(len);
  }
  return encoder.toUint8Array();
}

/** A story whose body holds one paragraph with the editor's suggested insertion 市区. */
function storyWithSuggestion() {
  const server = verbatimDoc();
  const editor = new Y.Doc();
  editor.clientID = 100;
  editor.transact(() => {
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText("长沙今天晴，气温二十度。")]);
    editor.getXmlFragment("body").insert(0, [paragraph]);
  });
  editBody(editor, (tr) => suggestInsertion(tr, 3, 3, "市区", suggester(EDITOR)));
  Y.applyUpdate(server, Y.encodeStateAsUpdate(editor));
  const formats: Y.Item[] = [];
  for (let item = firstText(server)._start; item; item = item.right) {
    if (item.content instanceof Y.ContentFormat && markNameOfKey(item.content.key) === SUGGEST_INSERT) formats.push(item);
  }
  const [, closing] = formats;
  return { server, closing };
}

describe("one block per client id (what the checks decode is what Yjs applies)", () => {
  it("lets every update Yjs itself writes through: text, marks, elements, maps, embeds, deletions, GC and skips", () => {
    const a = new Y.Doc();
    a.clientID = 1;
    const b = new Y.Doc();
    b.clientID = 2;
    const updates: Uint8Array[] = [];
    a.on("update", (u: Uint8Array) => updates.push(u));
    b.on("update", (u: Uint8Array) => updates.push(u));
    a.transact(() => {
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.setAttribute("align", "left");
      paragraph.insert(0, [new Y.XmlText("新闻正文，含标点。")]);
      a.getXmlFragment("body").insert(0, [paragraph]);
      a.getMap("meta").set("count", 3.5);
      a.getMap("meta").set("tags", ["本地", { nested: true }, null]);
      a.getMap("meta").set("bytes", new Uint8Array([1, 2, 3]));
      a.getText("title").insert(0, "标题");
      a.getText("title").insertEmbed(1, { image: "a.png" });
      a.getArray("list").insert(0, [1, "二", false]);
    });
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    b.transact(() => {
      firstText(b).format(0, 2, { bold: true });
      firstText(b).delete(3, 2);
      b.getText("title").delete(0, 1);
      b.getMap("meta").delete("count");
    });
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    // A document with garbage collection writes the content of a deleted element as GC structs.
    const collecting = new Y.Doc();
    collecting.getXmlFragment("body").insert(0, [new Y.XmlElement("paragraph")]);
    (collecting.getXmlFragment("body").get(0) as Y.XmlElement).insert(0, [new Y.XmlText("删掉的段落")]);
    collecting.getXmlFragment("body").delete(0, 1);
    const collected = Y.encodeStateAsUpdate(collecting);
    // Merging updates that leave a gap in a client's clocks writes a Skip.
    const typist = new Y.Doc();
    const typed: Uint8Array[] = [];
    typist.on("update", (u: Uint8Array) => typed.push(u));
    for (const word of ["一", "二", "三"]) typist.getText("t").insert(typist.getText("t").length, word);
    const withSkip = Y.mergeUpdates([typed[0], typed[2]]);

    const all = [...updates, collected, withSkip, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a))];
    expect(Y.decodeUpdate(collected).structs.some((s) => s instanceof Y.GC)).toBe(true);
    // A Skip is neither an item nor GC (its class is not exported).
    expect(Y.decodeUpdate(withSkip).structs.some((s) => !(s instanceof Y.Item) && !(s instanceof Y.GC))).toBe(true);
    for (const update of all) expect(verdict(update)).toBeNull();
  });

  it("refuses a client id listed twice: Yjs would apply only the last block, while every check reads both", () => {
    const { server, closing } = storyWithSuggestion();
    const key = (closing.content as Y.ContentFormat).key;
    // A closing item of the editor's mark where hers stands, then an empty block for the same id;
    // and the editor's own closing item deleted.
    const forgedClosing = new Y.Item(Y.createID(FORGER_CLIENT, 0), null, closing.left!.lastId, null, closing.id, null, null, new Y.ContentFormat(key, null as never));
    const update = handWritten(
      [
        [FORGER_CLIENT, 0, [forgedClosing]],
        [FORGER_CLIENT, 0, []],
      ],
      [[closing.id.client, closing.id.clock, 1]],
    );

    // The mismatch itself: decoded, the closing item is there; applied, it is not.
    expect(Y.decodeUpdate(update).structs).toHaveLength(1);
    const copy = verbatimDoc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(server));
    Y.applyUpdate(copy, update);
    expect(Y.getState(copy.store, FORGER_CLIENT)).toBe(0);
    expect(suggestionsInDoc(copy).map((s) => s.text)).toEqual(["市区今天晴，气温二十度。"]);

    expect(verdict(update)).toBe(`lists client ${FORGER_CLIENT} in more than one block`);
    expect(() => decodeUpdate(update)).toThrow(MalformedUpdate);
    // The same struct in one block is an ordinary update.
    expect(verdict(handWritten([[FORGER_CLIENT, 0, [forgedClosing]]]))).toBeNull();
  });

  it("refuses a repeated client id between other blocks, and blocks whose header does not name their structs", () => {
    const doc = new Y.Doc();
    doc.clientID = 7;
    doc.getText("t").insert(0, "ab");
    const [item] = Y.decodeUpdate(Y.encodeStateAsUpdate(doc)).structs as Y.Item[];
    const other = new Y.Doc();
    other.clientID = 8;
    other.getText("t").insert(0, "c");
    const [otherItem] = Y.decodeUpdate(Y.encodeStateAsUpdate(other)).structs as Y.Item[];

    expect(verdict(handWritten([[7, 0, [item]], [8, 0, [otherItem]], [7, 2, []]]))).toBe("lists client 7 in more than one block");
    // A header naming another clock than its first struct's: the walk has lost its place.
    const misplaced = handWritten([[7, 0, [item]]]);
    const decoded = Y.decodeUpdate(misplaced);
    decoded.structs[0] = otherItem;
    expect(repeatedClientBlock(misplaced, decoded)).toBe("struct blocks out of step with their structs");
  });
});
