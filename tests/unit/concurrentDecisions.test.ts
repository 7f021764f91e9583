// Reporters deciding suggestions at once, as the room's guard judges each update
// (tests/integration/suggestions.test.ts, first test, without a server). Once, under load, the
// room closed the colleague's connection for "suggestion by someone else stretched over text it
// never covered": rejecting the chief's 晴→多云 made Yjs end the editor's neighbouring deletion
// mark (今天) with a new closing item and drop her old one, and the guard, judging the story as it
// stood without the update's own items, saw her mark run on over 晴，气温二十度 when that update
// reached the room before the writer's accept (which removes her old closing item first).
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { checkUpdateSchema } from "../../newsroom/schemaGuard";
import { decideSuggestions, suggestDeletion, suggestInsertion } from "../../newsroom/suggestionEdits";
import { SUGGEST_INSERT, markNameOfKey } from "../../newsroom/suggestionMarks";
import { suggestionsInDoc } from "../../newsroom/suggestions";
import { verbatimDoc } from "../../server/storyLog/verbatimDoc";
import { bodyNode, editBody, positionOf, suggester } from "../support/suggesting";

const WRITER = "a1b2c3d4-0000-4000-8000-00000000000a";
const COLLEAGUE = "a1b2c3d4-0000-4000-8000-00000000000b";
const EDITOR = "a1b2c3d4-0000-4000-8000-00000000000c";
const CHIEF = "a1b2c3d4-0000-4000-8000-00000000000d";
const STORY = "长沙今天晴，气温二十度。";
/** Origin of what a client's copy gets from the room: everything else it sends. */
const FROM_ROOM = "room";

interface Copy {
  name: string;
  userId: string;
  doc: Y.Doc;
  outbox: Uint8Array[];
  inbox: Uint8Array[];
}

/**
 * A room's copy of a story (the server's verbatim document) and clients on it: each update a
 * client sends is judged as the room judges it (`checkUpdateSchema` with the sender's user id),
 * then applied and relayed in the room's order. Clients send everything they make, their Yjs
 * formatting cleanups included.
 */
function room() {
  const server = verbatimDoc();
  const copies: Copy[] = [];
  const refusals: string[] = [];
  const join = (name: string, userId: string, clientId: number) => {
    const doc = new Y.Doc();
    doc.clientID = clientId;
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(server), FROM_ROOM);
    const copy: Copy = { name, userId, doc, outbox: [], inbox: [] };
    doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin !== FROM_ROOM) copy.outbox.push(update);
    });
    copies.push(copy);
    return copy;
  };
  /** The room receives everything `copy` has sent so far. */
  const send = (copy: Copy) => {
    for (const update of copy.outbox.splice(0)) {
      try {
        checkUpdateSchema(server, Y.decodeUpdate(update), { maxTitleLength: 200, userId: copy.userId });
      } catch (err) {
        refusals.push(`${copy.name}: ${(err as Error).message}`);
        continue;
      }
      Y.applyUpdate(server, update, "connection");
      for (const other of copies) if (other !== copy) other.inbox.push(update);
    }
  };
  /** Until nothing moves: the room receives from `first` first, then the rest; every client catches up. */
  const settle = (...first: Copy[]) => {
    while (copies.some((c) => c.outbox.length > 0 || c.inbox.length > 0)) {
      for (const copy of [...first, ...copies.filter((c) => !first.includes(c))]) send(copy);
      for (const copy of copies) for (const update of copy.inbox.splice(0)) Y.applyUpdate(copy.doc, update, FROM_ROOM);
    }
  };
  return { server, copies, refusals, join, send, settle };
}

const text = (doc: Y.Doc) => bodyNode(doc).textContent;

/**
 * The integration test's story up to the reporters' decisions: the writer's text, the editor's
 * 左右 and 今天 and the chief's 晴→多云 and 湖南, made at once, reaching the room in `suggestionsFirst`'s
 * order and converged; then the colleague joins. Client ids decide where Yjs puts the editor's and
 * the chief's format items between 天 and 晴 (they are random in the editor).
 */
function suggested(ids: { editor: number; chief: number }, suggestionsFirst: "editor" | "chief") {
  const r = room();
  const writer = r.join("writer", WRITER, 1);
  writer.doc.transact(() => {
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText(STORY)]);
    writer.doc.getXmlFragment("body").insert(0, [paragraph]);
  });
  r.settle();
  const editor = r.join("editor", EDITOR, ids.editor);
  const chief = r.join("chief", CHIEF, ids.chief);
  editBody(editor.doc, (tr) => {
    const end = positionOf(editor.doc, "。");
    suggestInsertion(tr, end, end, "左右", suggester(EDITOR));
  });
  editBody(editor.doc, (tr) => {
    const from = positionOf(editor.doc, "今天");
    suggestDeletion(tr, from, from + 2, suggester(EDITOR));
  });
  editBody(chief.doc, (tr) => {
    const from = positionOf(chief.doc, "晴");
    suggestInsertion(tr, from, from + 1, "多云", suggester(CHIEF));
  });
  editBody(chief.doc, (tr) => {
    const from = positionOf(chief.doc, "长沙");
    suggestInsertion(tr, from, from, "湖南", suggester(CHIEF));
  });
  r.settle(suggestionsFirst === "editor" ? editor : chief);
  expect(r.refusals).toEqual([]);
  expect(r.copies.map((c) => text(c.doc))).toEqual(r.copies.map(() => "湖南长沙今天晴多云，气温二十度左右。"));
  const colleague = r.join("colleague", COLLEAGUE, 4);
  const open = suggestionsInDoc(editor.doc);
  const idOf = (words: string, kind: string) => open.find((s) => s.text === words && s.kind === kind)!.id;
  const decide = () => {
    editBody(writer.doc, (tr) => decideSuggestions(tr, "accept", new Set([idOf("左右", "insert"), idOf("今天", "delete")])));
    editBody(colleague.doc, (tr) => decideSuggestions(tr, "reject", new Set([idOf("多云", "insert"), idOf("晴", "delete")])));
  };
  return { ...r, writer, editor, chief, colleague, decide };
}

/** A format item written straight into `ytext` between two of its items (what a crafted client can send). */
function formatItem(doc: Y.Doc, tr: Y.Transaction, ytext: Y.XmlText, left: Y.Item | null, right: Y.Item | null, key: string, value: unknown): void {
  const id = Y.createID(doc.clientID, Y.getState(doc.store, doc.clientID));
  const item = new Y.Item(id, left, left?.lastId ?? null, right, right?.id ?? null, ytext, null, new Y.ContentFormat(key, value as object));
  item.integrate(tr, 0);
}

const paragraphText = (doc: Y.Doc) => (doc.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;

/** The editor's suggested insertion 市区 in the story, on the room's copy: 长沙 O 市区 C 今天晴… */
function insertionOnServer(editorClientId = 100) {
  const server = verbatimDoc();
  const editor = new Y.Doc();
  editor.clientID = editorClientId;
  editor.transact(() => {
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText(STORY)]);
    editor.getXmlFragment("body").insert(0, [paragraph]);
  });
  editBody(editor, (tr) => suggestInsertion(tr, 3, 3, "市区", suggester(EDITOR)));
  Y.applyUpdate(server, Y.encodeStateAsUpdate(editor));
  return server;
}

/** A forger's copy of the room's story and its update: `edit` gets its paragraph and the insertion's two format items. */
function forged(server: Y.Doc, forgerClientId: number, edit: (doc: Y.Doc, tr: Y.Transaction, ytext: Y.XmlText, opening: Y.Item, closing: Y.Item) => void) {
  const doc = new Y.Doc({ gc: false });
  doc.clientID = forgerClientId;
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
  const ytext = paragraphText(doc);
  const formats: Y.Item[] = [];
  for (let item = ytext._start; item; item = item.right) {
    if (item.content instanceof Y.ContentFormat && markNameOfKey(item.content.key) === SUGGEST_INSERT) formats.push(item);
  }
  const [opening, closing] = formats;
  const before = Y.encodeStateVector(doc);
  doc.transact((tr) => edit(doc, tr, ytext, opening, closing));
  const update = Y.encodeStateAsUpdate(doc, before);
  // What the story would show: the editor's insertion stretched over the writer's words.
  const applied = new Y.Doc();
  Y.applyUpdate(applied, Y.encodeStateAsUpdate(server));
  Y.applyUpdate(applied, update);
  return { update, shown: suggestionsInDoc(applied).map((s) => s.text) };
}

const checkAs = (server: Y.Doc, update: Uint8Array, userId: string) => () =>
  checkUpdateSchema(server, Y.decodeUpdate(update), { maxTitleLength: 200, userId });

describe("reporters deciding suggestions at once", () => {
  it("lets two reporters accept and reject different people's suggestions at once, whichever decision reaches the room first", () => {
    const cases = [];
    for (const ids of [{ editor: 3, chief: 2 }, { editor: 2, chief: 3 }]) {
      for (const suggestionsFirst of ["editor", "chief"] as const) {
        for (const decisionFirst of ["writer", "colleague"] as const) cases.push({ ids, suggestionsFirst, decisionFirst });
      }
    }
    for (const { ids, suggestionsFirst, decisionFirst } of cases) {
      const name = `editor ${ids.editor}, chief ${ids.chief}; ${suggestionsFirst}'s suggestions first, ${decisionFirst}'s decision first`;
      const s = suggested(ids, suggestionsFirst);
      s.decide(); // both made before either sees the other's
      s.settle(decisionFirst === "writer" ? s.writer : s.colleague);
      expect(s.refusals, name).toEqual([]);
      expect(text(s.server), name).toBe("湖南长沙晴，气温二十度左右。");
      for (const copy of s.copies) expect(text(copy.doc), `${name}: ${copy.name}`).toBe("湖南长沙晴，气温二十度左右。");
      editBody(s.colleague.doc, (tr) => decideSuggestions(tr, "reject"));
      s.settle();
      expect(s.refusals, name).toEqual([]);
      expect(text(s.server), name).toBe("长沙晴，气温二十度左右。");
      for (const copy of s.copies) expect(text(copy.doc), `${name}: ${copy.name}`).toBe("长沙晴，气温二十度左右。");
      expect(suggestionsInDoc(s.server), name).toEqual([]);
    }
  });

  it("counts the closing item Yjs writes anew when rejecting the chief's 晴→多云 ends the editor's 今天 mark (her old closing item deleted)", () => {
    // The chief's opening item before 晴 sits before the editor's closing item after 今天 (client ids).
    const s = suggested({ editor: 3, chief: 2 }, "editor");
    s.decide();
    const [reject] = s.colleague.outbox;
    const decoded = Y.decodeUpdate(reject);
    const editorClosing = (() => {
      for (let item = paragraphText(s.server)._start; item; item = item.right) {
        if (item.id.client === 3 && item.content instanceof Y.ContentFormat && item.content.value === null && Y.isDeleted(decoded.ds, item.id)) return item;
      }
      return null;
    })();
    expect(editorClosing, "the reject deletes the editor's closing item").not.toBeNull();
    const key = (editorClosing!.content as Y.ContentFormat).key;
    const closedAnew = decoded.structs.filter((st) => st instanceof Y.Item && st.content instanceof Y.ContentFormat && st.content.key === key);
    expect(closedAnew.map((st) => ((st as Y.Item).content as Y.ContentFormat).value)).toEqual([null]);
    // Reaching the room first, on its own (no accept has removed her closing item yet).
    expect(checkAs(s.server, reject, COLLEAGUE)).not.toThrow();
    Y.applyUpdate(s.server, reject);
    expect(suggestionsInDoc(s.server).map((x) => x.text).sort()).toEqual(["今天", "左右", "湖南"].sort());
  });

  it("refuses a stretch that closes her mark anew before her deleted closing item but reopens it after", () => {
    const server = insertionOnServer();
    const { update, shown } = forged(server, 50, (doc, tr, ytext, opening, closing) => {
      const key = (opening.content as Y.ContentFormat).key;
      const attrs = (opening.content as Y.ContentFormat).value;
      formatItem(doc, tr, ytext, closing.left, closing, key, null);
      formatItem(doc, tr, ytext, closing, closing.right, key, attrs);
      closing.delete(tr);
    });
    expect(shown).toEqual(["市区今天晴，气温二十度。"]);
    expect(checkAs(server, update, WRITER)).toThrow(/stretched over text it never covered/);
  });

  it("refuses a stretch whose new closing item has her opening item between its origins (Yjs may put it first)", () => {
    const server = insertionOnServer(100);
    const { update, shown } = forged(server, 50, (doc, tr, ytext, opening, closing) => {
      // Origin 沙, right origin 今: her opening item, 市区 and her closing item lie between.
      formatItem(doc, tr, ytext, opening.left, closing.right, (opening.content as Y.ContentFormat).key, null);
      closing.delete(tr);
    });
    expect(shown).toEqual(["市区今天晴，气温二十度。"]);
    expect(checkAs(server, update, WRITER)).toThrow(/stretched over text it never covered/);
  });

  it("refuses a stretch whose new closing item names a right origin before its origin (Yjs puts it after the origin)", () => {
    const server = insertionOnServer();
    const { update, shown } = forged(server, 50, (doc, tr, ytext, opening, closing) => {
      let last = closing.right!;
      while (last.right) last = last.right;
      // Right origin 今 (just past her closing item), origin the paragraph's last item.
      const item = new Y.Item(
        Y.createID(doc.clientID, Y.getState(doc.store, doc.clientID)),
        last,
        last.lastId,
        null,
        closing.right!.id,
        ytext,
        null,
        new Y.ContentFormat((opening.content as Y.ContentFormat).key, null as unknown as object),
      );
      item.integrate(tr, 0);
      closing.delete(tr);
    });
    expect(shown).toEqual(["市区今天晴，气温二十度。"]);
    expect(checkAs(server, update, WRITER)).toThrow(/stretched over text it never covered/);
  });
});
