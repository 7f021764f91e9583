import { describe, expect, it } from "vitest";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import { OutsideSchema, checkUpdateSchema, storySchemaRules } from "../../newsroom/schemaGuard";
import { encodeStoryContent } from "../../newsroom/storyBlocks";
import { renderStoryBody } from "../../newsroom/storyHtml";
import { decideSuggestions, suggestDeletion, suggestInsertion } from "../../newsroom/suggestionEdits";
import { SUGGEST_INSERT, markNameOfKey } from "../../newsroom/suggestionMarks";
import { suggestsByDefault } from "../../newsroom/suggestionPolicy";
import { suggestionsInDoc, suggestionsInJson, suggestionsInNode, withoutSuggestions } from "../../newsroom/suggestions";
import { StretchCheckTooLong } from "../../newsroom/suggestionGuard";
import { bodyNode, editBody, positionOf, suggester } from "../support/suggesting";

const EDITOR = "a1b2c3d4-0000-4000-8000-000000000001";
const REPORTER = "a1b2c3d4-0000-4000-8000-000000000002";
const OTHER = "a1b2c3d4-0000-4000-8000-000000000003";

/** A story's server document (no garbage collection, as on the server) and a client's copy. */
function story(text = "长沙今天晴,气温二十度。") {
  const server = new Y.Doc({ gc: false });
  Y.applyUpdate(server, encodeStoryContent({ title: "天气", body: [{ type: "paragraph", text }] }));
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  return { server, client };
}

/** The update an edit of `client` produces. */
function updateOf(client: Y.Doc, edit: () => void): Uint8Array {
  const before = Y.encodeStateVector(client);
  edit();
  return Y.encodeStateAsUpdate(client, before);
}

const checkAs = (server: Y.Doc, update: Uint8Array, userId: string) => () =>
  checkUpdateSchema(server, Y.decodeUpdate(update), { maxTitleLength: 200, userId });

const text = (doc: Y.Doc) => bodyNode(doc).textContent;

/** The first paragraph's text of a story's document. */
const serverText = (doc: Y.Doc) => (doc.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;

/** The Yjs key of the first suggested insertion's mark in `ytext`. */
const suggestionKeyOf = (ytext: Y.XmlText) => (suggestionFormatItems(ytext)[0].content as Y.ContentFormat).key;

/**
 * A v1 update holding no structs and exactly these delete ranges ([clock, len], in the order
 * given): what a crafted client can send, honest encoders always sort and merge them.
 */
function deletesOnlyUpdate(ranges: Map<number, [number, number][]>): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0); // no structs
  encoding.writeVarUint(encoder, ranges.size);
  for (const [client, list] of ranges) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, list.length);
    for (const [clock, len] of list) {
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarUint(encoder, len);
    }
  }
  return encoding.toUint8Array(encoder);
}

/** The suggestion format items (opening and closing) of a Y.XmlText, deleted ones included. */
function suggestionFormatItems(ytext: Y.XmlText): Y.Item[] {
  const items: Y.Item[] = [];
  for (let item = ytext._start; item; item = item.right) {
    if (item.content instanceof Y.ContentFormat && markNameOfKey(item.content.key) === SUGGEST_INSERT) items.push(item);
  }
  return items;
}

describe("suggestion edits", () => {
  it("a suggested insertion and deletion keep the text and are counted the same from Yjs, JSON and ProseMirror", () => {
    const { client } = story();
    const editor = suggester(EDITOR);
    editBody(client, (tr) => {
      const at = positionOf(client, "二十度") + 3;
      suggestInsertion(tr, at, at, "左右", editor);
    });
    editBody(client, (tr) => {
      const from = positionOf(client, "今天");
      suggestDeletion(tr, from, from + 2, editor);
    });
    expect(text(client)).toBe("长沙今天晴,气温二十度左右。");
    const fromDoc = suggestionsInDoc(client);
    expect(fromDoc.map(({ kind, text, author }) => ({ kind, text, author }))).toEqual([
      { kind: "delete", text: "今天", author: EDITOR },
      { kind: "insert", text: "左右", author: EDITOR },
    ]);
    expect(suggestionsInJson(bodyNode(client).toJSON())).toEqual(fromDoc);
    expect(suggestionsInNode(bodyNode(client))).toEqual(fromDoc);
  });

  it("continuing to type or delete extends one suggestion; deleting one's own insertion removes it", () => {
    const { client } = story("湘江");
    const editor = suggester(EDITOR);
    for (const ch of ["北", "去"]) {
      editBody(client, (tr) => {
        const end = tr.doc.content.size - 1;
        suggestInsertion(tr, end, end, ch, editor);
      });
    }
    expect(suggestionsInDoc(client)).toHaveLength(1);
    expect(suggestionsInDoc(client)[0].text).toBe("北去");
    editBody(client, (tr) => {
      const end = tr.doc.content.size - 1;
      suggestDeletion(tr, end - 1, end, editor);
    });
    expect(text(client)).toBe("湘江北");
    expect(suggestionsInDoc(client).map((s) => s.text)).toEqual(["北"]);
  });

  it("accepting an insertion keeps its text, rejecting a deletion keeps its text; the reverse removes it", () => {
    const make = () => {
      const { client } = story();
      const editor = suggester(EDITOR);
      editBody(client, (tr) => suggestInsertion(tr, positionOf(client, "。"), positionOf(client, "。"), "左右", editor));
      editBody(client, (tr) => suggestDeletion(tr, positionOf(client, "今天"), positionOf(client, "今天") + 2, editor));
      const [deletion, insertion] = suggestionsInDoc(client);
      return { client, deletion, insertion };
    };
    const accepted = make();
    editBody(accepted.client, (tr) => expect(decideSuggestions(tr, "accept")).toBe(2));
    expect(text(accepted.client)).toBe("长沙晴,气温二十度左右。");
    expect(suggestionsInDoc(accepted.client)).toEqual([]);

    const rejected = make();
    editBody(rejected.client, (tr) => decideSuggestions(tr, "reject"));
    expect(text(rejected.client)).toBe("长沙今天晴,气温二十度。");
    expect(suggestionsInDoc(rejected.client)).toEqual([]);

    const one = make();
    editBody(one.client, (tr) => decideSuggestions(tr, "accept", new Set([one.insertion.id])));
    editBody(one.client, (tr) => decideSuggestions(tr, "reject", new Set([one.deletion.id])));
    expect(text(one.client)).toBe("长沙今天晴,气温二十度左右。");
    expect(suggestionsInDoc(one.client)).toEqual([]);
  });

  it("a deletion over someone else's insertion: accepting the deletion drops the text", () => {
    const { client } = story("今天晴。");
    editBody(client, (tr) => suggestInsertion(tr, positionOf(client, "。"), positionOf(client, "。"), "转多云", suggester(REPORTER)));
    editBody(client, (tr) => suggestDeletion(tr, positionOf(client, "转多云"), positionOf(client, "转多云") + 3, suggester(EDITOR)));
    expect(suggestionsInDoc(client).map((s) => `${s.kind}:${s.text}`)).toEqual(["insert:转多云", "delete:转多云"]);
    const deletion = suggestionsInDoc(client).find((s) => s.kind === "delete")!;
    editBody(client, (tr) => decideSuggestions(tr, "accept", new Set([deletion.id])));
    expect(text(client)).toBe("今天晴。");
  });
});

describe("who suggests by default", () => {
  it("the desk on a submitted story (待审); nobody anywhere else", () => {
    expect(suggestsByDefault("editor", "submitted")).toBe(true);
    expect(suggestsByDefault("admin", "submitted")).toBe(true);
    expect(suggestsByDefault("reporter", "submitted")).toBe(false);
    for (const state of ["draft", "changes_requested", "correcting", "approved"]) expect(suggestsByDefault("editor", state)).toBe(false);
  });
});

describe("renderers and suggestions", () => {
  it("the public renderer leaves pending insertions out and keeps text suggested for deletion", () => {
    const { client } = story();
    const editor = suggester(EDITOR);
    editBody(client, (tr) => suggestInsertion(tr, positionOf(client, "。"), positionOf(client, "。"), "左右", editor));
    editBody(client, (tr) => suggestDeletion(tr, positionOf(client, "今天"), positionOf(client, "今天") + 2, editor));
    const json = bodyNode(client).toJSON();
    expect(renderStoryBody(json)).toBe("<p>长沙今天晴,气温二十度。</p>");
    expect(suggestionsInJson(withoutSuggestions(json))).toEqual([]);
  });
});

describe("schema guard and suggestion marks", () => {
  it("knows exactly the suggestion marks' attributes", () => {
    const rules = storySchemaRules();
    expect([...(rules.body.marks.get("suggestInsert") ?? [])].sort()).toEqual(["author", "id", "time"]);
    expect([...(rules.body.marks.get("suggestDelete") ?? [])].sort()).toEqual(["author", "id", "time"]);
    expect(rules.title.marks.has("suggestInsert")).toBe(false);
  });

  it("accepts a client's suggestions in its own name and its decisions on others'", () => {
    const { server, client } = story();
    const insert = updateOf(client, () => editBody(client, (tr) => suggestInsertion(tr, 3, 3, "市", suggester(EDITOR))));
    expect(checkAs(server, insert, EDITOR)).not.toThrow();
    Y.applyUpdate(server, insert);
    const reject = updateOf(client, () => editBody(client, (tr) => decideSuggestions(tr, "reject")));
    expect(checkAs(server, reject, REPORTER)).not.toThrow();
  });

  it("refuses stretching someone else's suggestion by deleting its closing format item", () => {
    const { server, client } = story();
    Y.applyUpdate(server, updateOf(client, () => editBody(client, (tr) => suggestInsertion(tr, 3, 3, "市区", suggester(EDITOR)))));
    const reporter = new Y.Doc();
    Y.applyUpdate(reporter, Y.encodeStateAsUpdate(server));
    const ytext = (reporter.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const closing = suggestionFormatItems(ytext).find((item) => (item.content as Y.ContentFormat).value === null)!;
    const stretched = updateOf(reporter, () => reporter.transact((tr) => closing.delete(tr)));
    // Applied, the editor's insertion would run on over the reporter's words.
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(server));
    Y.applyUpdate(copy, stretched);
    expect(suggestionsInDoc(copy).map((s) => s.text)).toEqual(["市区今天晴,气温二十度。"]);
    expect(checkAs(server, stretched, REPORTER)).toThrow(/stretched over text it never covered/);
    // Its author may (it is her own suggestion to extend).
    expect(checkAs(server, stretched, EDITOR)).not.toThrow();
  });

  it("refuses a stretch that also deletes the first character of the text after her closing format item", () => {
    const { server, client } = story();
    Y.applyUpdate(server, updateOf(client, () => editBody(client, (tr) => suggestInsertion(tr, 3, 3, "市区", suggester(EDITOR)))));
    const reporter = new Y.Doc();
    Y.applyUpdate(reporter, Y.encodeStateAsUpdate(server));
    const ytext = (reporter.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const closing = suggestionFormatItems(ytext).find((item) => (item.content as Y.ContentFormat).value === null)!;
    const following = closing.right!;
    expect((following.content as Y.ContentString).str.length).toBeGreaterThan(1); // one item: 今天晴,气温二十度。
    // Deletes C and 今 only (the item's first character): the rest of the item stays and gets her mark.
    const stretched = updateOf(reporter, () => reporter.transact((tr) => {
      closing.delete(tr);
      ytext.delete(4, 1);
    }));
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(server));
    Y.applyUpdate(copy, stretched);
    expect(suggestionsInDoc(copy).map((s) => s.text)).toEqual(["市区天晴,气温二十度。"]);
    expect(checkAs(server, stretched, REPORTER)).toThrow(/stretched over text it never covered/);
  });

  it("refuses a stretch that also deletes the character the stretched text was typed after (the concurrency excuse needs deletions inside the stretch)", () => {
    const { server, client } = story();
    Y.applyUpdate(server, updateOf(client, () => editBody(client, (tr) => suggestInsertion(tr, 3, 3, "市区", suggester(EDITOR)))));
    const reporter = new Y.Doc();
    Y.applyUpdate(reporter, Y.encodeStateAsUpdate(server));
    const ytext = serverText(reporter);
    const closing = suggestionFormatItems(ytext).find((item) => (item.content as Y.ContentFormat).value === null)!;
    // 今天晴… was typed after 沙 (its origin), before her suggestion came between them.
    const following = closing.right!;
    expect(following.origin).not.toBeNull();
    const stretched = updateOf(reporter, () =>
      reporter.transact((tr) => {
        closing.delete(tr);
        ytext.delete(1, 1); // 沙
      }),
    );
    expect(Y.isDeleted(Y.decodeUpdate(stretched).ds, following.origin!)).toBe(true);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(server));
    Y.applyUpdate(copy, stretched);
    expect(suggestionsInDoc(copy).map((s) => s.text)).toEqual(["市区今天晴,气温二十度。"]);
    expect(checkAs(server, stretched, REPORTER)).toThrow(/stretched over text it never covered/);
  });

  it("refuses a stretch over a colleague's words typed after her suggestion at a paragraph's end (deleting only her closing item)", () => {
    const paragraph = "长沙今天晴,气温二十度。";
    const { server } = story(paragraph);
    const clientOf = () => {
      const doc = new Y.Doc({ gc: false });
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
      return doc;
    };
    // Alice (the editor) suggests words at the paragraph's end, on her own client.
    const alice = clientOf();
    const suggested = updateOf(alice, () => editBody(alice, (tr) => suggestInsertion(tr, 1 + paragraph.length, 1 + paragraph.length, "有雨", suggester(EDITOR))));
    Y.applyUpdate(server, suggested);
    // Bob keeps typing after her suggestion on his own client: Yjs puts his words after her closing item.
    const bob = clientOf();
    const bobTyped = updateOf(bob, () => serverText(bob).insert(serverText(bob).length, "明天转晴", {}));
    expect(checkAs(server, bobTyped, OTHER)).not.toThrow();
    Y.applyUpdate(server, bobTyped);
    const closingOnServer = suggestionFormatItems(serverText(server)).find((item) => (item.content as Y.ContentFormat).value === null)!;
    expect(closingOnServer.right?.id.client).toBe(bob.clientID);
    expect(suggestionsInDoc(server).map((s) => s.text)).toEqual(["有雨"]);
    // Carol's update deletes only that closing item: no structs, and it refers to Alice's client alone.
    const carol = clientOf();
    const closing = suggestionFormatItems(serverText(carol)).find((item) => (item.content as Y.ContentFormat).value === null)!;
    const stretched = updateOf(carol, () => carol.transact((tr) => closing.delete(tr)));
    const decoded = Y.decodeUpdate(stretched);
    expect(decoded.structs).toHaveLength(0);
    expect([...decoded.ds.clients.keys()]).toEqual([alice.clientID]);
    // Applied, Bob's words would show as Alice's suggestion.
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(server));
    Y.applyUpdate(copy, stretched);
    expect(suggestionsInDoc(copy).map((s) => s.text)).toEqual(["有雨明天转晴"]);
    expect(checkAs(server, stretched, REPORTER)).toThrow(/stretched over text it never covered/);
    // Its author may (it is her own suggestion to extend).
    expect(checkAs(server, stretched, EDITOR)).not.toThrow();
  });

  it("refuses a stretch whose delete set is crafted unsorted to hide deletions from the guard", () => {
    const { server, client } = story();
    Y.applyUpdate(server, updateOf(client, () => editBody(client, (tr) => suggestInsertion(tr, 3, 3, "市区", suggester(EDITOR)))));
    // The editor later types and deletes a character: an item of hers past her closing item's clock.
    const clientText = () => (client.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;
    Y.applyUpdate(server, updateOf(client, () => clientText().insert(0, "x", {})));
    Y.applyUpdate(server, updateOf(client, () => clientText().delete(0, 1)));
    const reporter = new Y.Doc();
    Y.applyUpdate(reporter, Y.encodeStateAsUpdate(server));
    const ytext = serverText(reporter);
    // The reporter's own suggestion right after the editor's: O 市区 C O' 的 C' 今天...
    const own = updateOf(reporter, () => ytext.insert(4, "的", { [suggestionKeyOf(ytext)]: { id: "own1", author: REPORTER, time: 1 } }));
    expect(checkAs(server, own, REPORTER)).not.toThrow();
    Y.applyUpdate(server, own);
    const items = suggestionFormatItems(serverText(server));
    const editorClosing = items.find((item) => item.id.client === client.clientID && (item.content as Y.ContentFormat).value === null)!;
    const ownClocks = items.filter((item) => item.id.client === reporter.clientID).map((item) => item.id.clock);
    const [ownStart, ownEnd] = [Math.min(...ownClocks), Math.max(...ownClocks) + 1];
    const editorLast = Y.getState(server.store, client.clientID) - 1; // the deleted x
    expect(editorLast).toBeGreaterThan(editorClosing.id.clock);
    // Deletes C, and O' 的 C'. Honest encoders write each client's ranges sorted; here the later
    // range comes first, so a binary search misses C and O' and a guard reading it sees them stay.
    const crafted = deletesOnlyUpdate(
      new Map([
        [client.clientID, [[editorLast, 1], [editorClosing.id.clock, 1]]],
        [reporter.clientID, [[ownStart + 1, ownEnd - ownStart - 1], [ownStart, 1]]],
      ]),
    );
    const decoded = Y.decodeUpdate(crafted);
    expect(Y.isDeleted(decoded.ds, editorClosing.id)).toBe(false);
    expect(Y.isDeleted(decoded.ds, Y.createID(reporter.clientID, ownStart))).toBe(false);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(server));
    Y.applyUpdate(copy, crafted);
    expect(suggestionsInDoc(copy).map((s) => s.text)).toEqual(["市区今天晴,气温二十度。"]);
    expect(checkAs(server, crafted, REPORTER)).toThrow(/stretched over text it never covered/);
  });

  it("refuses clearly an update whose stretch check would walk past the limit", () => {
    const { server, client } = story();
    Y.applyUpdate(server, updateOf(client, () => editBody(client, (tr) => suggestInsertion(tr, 3, 3, "市区", suggester(EDITOR)))));
    const reporter = new Y.Doc();
    Y.applyUpdate(reporter, Y.encodeStateAsUpdate(server));
    const update = updateOf(reporter, () => editBody(reporter, (tr) => decideSuggestions(tr, "accept")));
    const check = (maxStretchWalk: number) => () => checkUpdateSchema(server, Y.decodeUpdate(update), { maxTitleLength: 200, userId: REPORTER, maxStretchWalk });
    expect(suggestionFormatItems(serverText(server)).some((item) => Y.isDeleted(Y.decodeUpdate(update).ds, item.id))).toBe(true);
    expect(check(1)).toThrow(StretchCheckTooLong);
    expect(check(1)).toThrow(/COLLAB_MAX_STRETCH_WALK/);
    expect(check(1000)).not.toThrow();
  });

  it("lets honest edits delete someone else's suggestion format items: deciding, deleting around it, undoing typing inside it", () => {
    const { server, client } = story();
    Y.applyUpdate(server, updateOf(client, () => editBody(client, (tr) => suggestInsertion(tr, 3, 3, "市区", suggester(EDITOR)))));
    // Each case says whether it deletes her format items (and so exercises the stretch check).
    const edits: [string, boolean, (doc: Y.Doc, ytext: Y.XmlText) => void][] = [
      ["accept", true, (doc) => editBody(doc, (tr) => decideSuggestions(tr, "accept"))],
      ["reject", true, (doc) => editBody(doc, (tr) => decideSuggestions(tr, "reject"))],
      ["delete exactly its text", true, (_doc, ytext) => ytext.delete(2, 2)],
      ["delete the suggestion and the text after it", true, (_doc, ytext) => ytext.delete(2, 4)],
      ["delete the text before it and the suggestion", true, (_doc, ytext) => ytext.delete(1, 3)],
      ["delete the whole paragraph's text", true, (_doc, ytext) => ytext.delete(0, ytext.length)],
      ["delete across its end (her closing item stays)", false, (_doc, ytext) => ytext.delete(3, 2)],
      ["delete across its start (her opening item stays)", false, (_doc, ytext) => ytext.delete(1, 2)],
    ];
    for (const [name, deletesFormats, edit] of edits) {
      const reporter = new Y.Doc();
      Y.applyUpdate(reporter, Y.encodeStateAsUpdate(server));
      const ytext = (reporter.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;
      const update = updateOf(reporter, () => edit(reporter, ytext));
      const deletes = Y.decodeUpdate(update).ds;
      const formatsDeleted = suggestionFormatItems(serverText(server)).filter((item) => !item.deleted && Y.isDeleted(deletes, item.id)).length;
      expect(formatsDeleted > 0, name).toBe(deletesFormats);
      expect(checkAs(server, update, REPORTER), name).not.toThrow();
    }
    // Typing inside it (Yjs closes and reopens her mark), then taking that back with Yjs's undo.
    const reporter = new Y.Doc();
    Y.applyUpdate(reporter, Y.encodeStateAsUpdate(server));
    const ytext = (reporter.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const undo = new Y.UndoManager(ytext, { captureTimeout: 0 });
    const typed = updateOf(reporter, () => ytext.insert(3, "中心", {}));
    expect(checkAs(server, typed, REPORTER)).not.toThrow();
    Y.applyUpdate(server, typed);
    const undone = updateOf(reporter, () => undo.undo());
    expect(suggestionFormatItems(ytext).filter((item) => !item.deleted).length).toBeGreaterThan(0);
    expect(checkAs(server, undone, REPORTER)).not.toThrow();
    Y.applyUpdate(server, undone);
    expect(suggestionsInDoc(server).map((s) => s.text)).toEqual(["市区"]);
  });

  it("lets an honest delete through when text typed concurrently by someone else sits where Yjs dropped her redundant format items", () => {
    const { server, client } = story();
    Y.applyUpdate(server, updateOf(client, () => editBody(client, (tr) => suggestInsertion(tr, 3, 3, "市区", suggester(EDITOR)))));
    const copyOf = () => {
      const doc = new Y.Doc({ gc: false }); // keeps deleted format items to count

      Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
      return { doc, ytext: (doc.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText };
    };
    // Carol types X inside the editor's insertion: O 市 C X O2 区 C2.
    const carol = copyOf();
    const typed = updateOf(carol.doc, () => carol.ytext.insert(3, "X", {}));
    expect(checkAs(server, typed, REPORTER)).not.toThrow();
    Y.applyUpdate(server, typed);
    expect(suggestionFormatItems(copyOf().ytext).filter((item) => !item.deleted)).toHaveLength(4);
    // Dave deletes X (his Yjs drops the now redundant C and O2); Erin, concurrently, types Y after
    // X (its origin is X) or before it (its right origin is X).
    const typedBeforeRace = Y.encodeStateAsUpdate(server);
    for (const [where, index] of [["after X", 4], ["before X", 3]] as const) {
      const raced = new Y.Doc({ gc: false });
      Y.applyUpdate(raced, typedBeforeRace);
      const dave = copyOf();
      const erin = copyOf();
      const deleted = updateOf(dave.doc, () => dave.ytext.delete(3, 1));
      const droppedFormats = suggestionFormatItems(dave.ytext).filter((item) => item.deleted).length;
      expect(droppedFormats, where).toBeGreaterThan(0);
      const erinTyped = updateOf(erin.doc, () => erin.ytext.insert(index, "Y", {}));
      const y = Y.decodeUpdate(erinTyped).structs.find((s) => s instanceof Y.Item && s.content instanceof Y.ContentString) as Y.Item;
      const x = (Y.decodeUpdate(typed).structs.find((s) => s instanceof Y.Item && s.content instanceof Y.ContentString) as Y.Item).id;
      expect(Y.compareIDs(index === 4 ? y.origin : y.rightOrigin, x), where).toBe(true);
      // Erin's Y reaches the server first.
      expect(checkAs(raced, erinTyped, OTHER), where).not.toThrow();
      Y.applyUpdate(raced, erinTyped);
      const merged = new Y.Doc();
      Y.applyUpdate(merged, Y.encodeStateAsUpdate(raced));
      Y.applyUpdate(merged, deleted);
      console.log(`after the race (Y ${where}) the editor's insertion reads ${JSON.stringify(suggestionsInDoc(merged).map((s) => s.text))}`);
      expect(checkAs(raced, deleted, REPORTER), where).not.toThrow();
    }
  });

  it("refuses a suggestion carrying someone else's user id", () => {
    const { server, client } = story();
    const forged = updateOf(client, () => editBody(client, (tr) => suggestDeletion(tr, 1, 3, suggester(EDITOR))));
    expect(checkAs(server, forged, REPORTER)).toThrow(OutsideSchema);
    expect(checkAs(server, forged, REPORTER)).toThrow(/suggestion by someone else/);
  });

  it("refuses someone else's existing suggestion copied onto other text", () => {
    const { server, client } = story();
    Y.applyUpdate(server, updateOf(client, () => editBody(client, (tr) => suggestInsertion(tr, 3, 3, "市区", suggester(EDITOR)))));
    const reporter = new Y.Doc();
    Y.applyUpdate(reporter, Y.encodeStateAsUpdate(server));
    const ytext = (reporter.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;
    // The editor's mark, exactly as stored (key and attributes), written over the reporter's own words.
    const delta = ytext.toDelta() as { insert: string; attributes?: Record<string, unknown> }[];
    const [key, attrs] = Object.entries(delta.find((op) => op.insert === "市区")!.attributes!)[0];
    const plain = delta.map((op) => op.insert).join("");
    const copied = updateOf(reporter, () => ytext.format(plain.indexOf("气温"), 2, { [key]: attrs }));
    expect(checkAs(server, copied, REPORTER)).toThrow(/never covered/);
  });

  it("lets a client carry an existing suggestion of someone else's over moved text (typing inside it)", () => {
    const { server, client } = story();
    const insert = updateOf(client, () => editBody(client, (tr) => suggestInsertion(tr, 3, 3, "市区", suggester(EDITOR))));
    Y.applyUpdate(server, insert);
    const reporter = new Y.Doc();
    Y.applyUpdate(reporter, Y.encodeStateAsUpdate(server));
    // Plain typing in the middle of the editor's insertion: Yjs closes the mark and opens it again.
    const typed = updateOf(reporter, () => {
      const ytext = (reporter.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;
      ytext.insert(3, "中心", {});
    });
    const reopened = Y.decodeUpdate(typed).structs.some((s) => s instanceof Y.Item && s.content instanceof Y.ContentFormat && markNameOfKey(s.content.key) === SUGGEST_INSERT && s.content.value !== null);
    expect(checkAs(server, typed, REPORTER)).not.toThrow();
    expect(reopened).toBe(true);
    console.log(`typing inside someone's suggestion re-wrote their mark: ${reopened}`);
  });

  it("lets a client split a paragraph inside someone else's suggestion (the moved text keeps her mark)", () => {
    const { server, client } = story();
    Y.applyUpdate(server, updateOf(client, () => editBody(client, (tr) => suggestInsertion(tr, 3, 3, "市区中心", suggester(EDITOR)))));
    const reporter = new Y.Doc();
    Y.applyUpdate(reporter, Y.encodeStateAsUpdate(server));
    const split = updateOf(reporter, () => editBody(reporter, (tr) => tr.split(positionOf(reporter, "中心"))));
    const carried = Y.decodeUpdate(split).structs.some(
      (s) => s instanceof Y.Item && s.content instanceof Y.ContentFormat && s.content.value !== null && (s.content.value as { author?: string }).author === EDITOR,
    );
    expect(checkAs(server, split, REPORTER)).not.toThrow();
    Y.applyUpdate(server, split);
    expect(suggestionsInDoc(server).map((s) => s.text)).toEqual(["市区中心"]);
    expect(carried).toBe(true);
    console.log(`a split inside someone's suggestion re-wrote their mark: ${carried}`);
  });

  it("knows a suggestion made after a refusal even when merged structs leave the story's struct count unchanged", () => {
    const { server } = story("长沙今天晴,气温二十度。");
    const docOf = (update: Uint8Array) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, update);
      return doc;
    };
    const ytextOf = (doc: Y.Doc) => (doc.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const structs = () => [...server.store.clients.values()].reduce((n, list) => n + list.length, 0);
    /** Applies an edit made on a fresh copy of the server's document (as a client would send it). */
    const edit = (change: (ytext: Y.XmlText) => void) => {
      const doc = docOf(Y.encodeStateAsUpdate(server));
      const update = updateOf(doc, () => change(ytextOf(doc)));
      Y.applyUpdate(server, update);
    };
    // The writer's text, cut into pieces by deletions: 长|沙|今天|晴|,气温|二|十|度|。
    edit((t) => t.delete(1, 1)); // 沙
    edit((t) => t.delete(3, 1)); // 晴
    edit((t) => t.delete(6, 1)); // 二
    edit((t) => t.delete(7, 1)); // 度
    // A forged suggestion is refused: the guard indexes the story's suggestions now.
    const forger = docOf(Y.encodeStateAsUpdate(server));
    const forged = updateOf(forger, () => ytextOf(forger).format(0, 1, { [SUGGEST_INSERT]: { id: "forged1", author: EDITOR, time: 1 } }));
    expect(checkAs(server, forged, REPORTER)).toThrow(/someone else/);
    const before = structs();
    // The editor suggests deleting 今天 (two format items); the writer deletes 十, which merges
    // the deleted 二, 十 and 度 into one struct (two fewer).
    edit((t) => t.format(1, 2, { suggestDelete: { id: "real1", author: EDITOR, time: 2 } }));
    edit((t) => t.delete(6, 1));
    expect(structs()).toBe(before);
    console.log(`structs before the editor's suggestion: ${before}, after it and the merging deletions: ${structs()}`);
    // The reporter types inside the editor's suggestion: Yjs re-writes her mark around it.
    const reporter = docOf(Y.encodeStateAsUpdate(server));
    const typed = updateOf(reporter, () => ytextOf(reporter).insert(2, "x", {}));
    expect(checkAs(server, typed, REPORTER)).not.toThrow();
  });

  it("refuses malformed suggestion attributes", () => {
    const { server, client } = story();
    const ytext = () => (client.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const extra = updateOf(client, () => ytext().format(0, 2, { [SUGGEST_INSERT]: { id: "x1", author: REPORTER, time: 1, color: "red" } }));
    expect(checkAs(server, extra, REPORTER)).toThrow(OutsideSchema);
    const other = story();
    const bare = updateOf(other.client, () => ((other.client.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText).format(0, 2, { [SUGGEST_INSERT]: true }));
    expect(checkAs(other.server, bare, REPORTER)).toThrow(/malformed/);
  });
});
