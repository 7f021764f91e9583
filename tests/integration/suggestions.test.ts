import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { canonicalJson } from "../../newsroom/canonicalContent";
import { decideSuggestions, suggestDeletion, suggestInsertion } from "../../newsroom/suggestionEdits";
import { suggestionsInDoc } from "../../newsroom/suggestions";
import { backends } from "../support/backends";
import { connectClient, type CollabClient } from "../support/collabClient";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { overrideFailedChecks } from "../support/reviewChecks";
import { api, createTeamStory, signIn } from "../support/session";
import { withStoreSql } from "../support/storeSql";
import { bodyNode, editBody, positionOf, suggester } from "../support/suggesting";
import { createStore, type ServerStore } from "../support/testServer";
import { waitFor } from "../support/wait";

interface Blocker {
  kind: string;
  message: string;
  count?: number;
  suggestions?: { id: string; kind: string; author: string; text: string }[];
}
interface Refusal {
  error?: { code: string; message: string; blockers?: Blocker[] };
}

const STORY = "长沙今天晴，气温二十度。";

/**
 * Suggestion mode (修订) with real clients on a real server: two reviewers suggest at once and
 * converge, the reporters' decisions give one text everywhere (every client and the server's
 * stored copy), a suggestion in someone else's name is refused at the socket, and the publish
 * gate lists what is still open.
 */
describe.each(backends())("suggestion mode (%s)", (backend) => {
  let store: ServerStore;
  let server: InProcessServer;
  const cookie: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const clients: CollabClient[] = [];
  const connect = async (user: string, articleId: string) => {
    const client = connectClient(server.url, articleId, cookie[user]);
    clients.push(client);
    await client.waitSynced();
    return client;
  };
  const transition = (user: string, id: string, action: string, note?: string) =>
    api<Refusal & { state?: string }>(server.url, cookie[user], "POST", `/api/articles/${id}/transitions`, { action, note });
  /** The saved text as the server serves it (`GET /api/articles/:id`: one line per block). */
  const serverText = async (id: string) => (await api<{ content: { text: string } }>(server.url, cookie.huhongye, "GET", `/api/articles/${id}`)).body.content.text;
  /** The open suggestions as the server counts them from what it stored (the gate's 409 list). */
  const serverSuggestions = async (id: string) => {
    await overrideFailedChecks(server.url, cookie.huhongye, id);
    const refused = await transition("huhongye", id, "approve");
    return { refused, listed: refused.body.error?.blockers?.find((b) => b.kind === "suggestions")?.suggestions ?? [] };
  };
  const sameEverywhere = async (id: string, copies: CollabClient[], stage: string) => {
    const json = (c: CollabClient) => canonicalJson(bodyNode(c.doc).toJSON());
    const shown = () => copies.map((c) => canonicalJson(bodyNode(c.doc).toJSON())).join("\n");
    await waitFor(() => copies.every((c) => json(c) === json(copies[0])), { message: `clients converge (${stage})`, timeoutMs: 30_000 }).catch(
      (err: Error) => {
        throw new Error(`${err.message}:\n${shown()}`);
      },
    );
    const text = copies[0].bodyText();
    await waitFor(async () => (await serverText(id)) === text, { message: "server has the same text", timeoutMs: 30_000 });
    return bodyNode(copies[0].doc);
  };

  beforeAll(async () => {
    store = await createStore(backend);
    const rows = await withStoreSql(store, (query) => query("select id, username from users", []));
    for (const row of rows as { id: string; username: string }[]) ids[row.username] = row.id;
    server = await startInProcessServer(store);
    for (const user of ["yaoyuchao", "xuweixiang", "huhongye", "admin"]) cookie[user] = await signIn(server.url, user);
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server?.stop();
    await store?.dispose();
  });

  it("two reviewers suggest at once, converge, the gate lists the open suggestions, the reporters' decisions give one text everywhere", async () => {
    const id = await createTeamStory(server.url, cookie.huhongye, "天气预报");
    const writer = await connect("yaoyuchao", id);
    writer.type(STORY);
    await writer.waitSaved();
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);

    // The desk reviews in two places at once (an editor and the chief), both suggesting.
    const editor = await connect("huhongye", id);
    const chief = await connect("admin", id);
    await waitFor(() => editor.access?.canWrite === true && chief.access?.canWrite === true, { message: "the desk may write" });
    editBody(editor.doc, (tr) => {
      const end = positionOf(editor.doc, "。");
      suggestInsertion(tr, end, end, "左右", suggester(ids.huhongye));
    });
    editBody(editor.doc, (tr) => {
      const from = positionOf(editor.doc, "今天");
      suggestDeletion(tr, from, from + 2, suggester(ids.huhongye));
    });
    // The chief's edits are made before the editor's arrive (concurrent).
    editBody(chief.doc, (tr) => {
      const from = positionOf(chief.doc, "晴");
      suggestInsertion(tr, from, from + 1, "多云", suggester(ids.admin));
    });
    editBody(chief.doc, (tr) => {
      const from = positionOf(chief.doc, "长沙");
      suggestInsertion(tr, from, from, "湖南", suggester(ids.admin));
    });
    await Promise.all([editor.waitSaved(), chief.waitSaved()]);
    const converged = await sameEverywhere(id, [editor, chief, writer], "suggested");
    expect(converged.textContent).toBe("湖南长沙今天晴多云，气温二十度左右。");
    const open = suggestionsInDoc(editor.doc);
    expect(open.map((s) => `${s.kind}:${s.text}:${s.author === ids.admin ? "admin" : "editor"}`).sort()).toEqual(
      ["insert:湖南:admin", "delete:今天:editor", "delete:晴:admin", "insert:多云:admin", "insert:左右:editor"].sort(),
    );
    // 签发 is refused while any suggestion is open, with the list the server counted from what it stored.
    const { refused, listed } = await serverSuggestions(id);
    expect(refused.status).toBe(409);
    expect(listed).toEqual(open);
    const blocker = refused.body.error?.blockers?.find((b) => b.kind === "suggestions");
    expect(blocker?.message).toBe("还有 5 处修订未处理");
    expect(blocker?.suggestions?.map((s) => s.text).sort()).toEqual(open.map((s) => s.text).sort());
    expect(refused.body.error?.message).toContain("还有 5 处修订未处理");

    // Back to the reporters, who decide: two of them at once, then the rest all at once.
    expect((await transition("huhongye", id, "request_changes", "请处理修订")).status).toBe(200);
    const colleague = await connect("xuweixiang", id);
    await waitFor(() => writer.access?.canWrite === true && colleague.access?.canWrite === true, { message: "the byline may write" });
    const byText = (text: string, kind: string) => open.find((s) => s.text === text && s.kind === kind)!.id;
    editBody(writer.doc, (tr) => decideSuggestions(tr, "accept", new Set([byText("左右", "insert"), byText("今天", "delete")])));
    editBody(colleague.doc, (tr) => decideSuggestions(tr, "reject", new Set([byText("多云", "insert"), byText("晴", "delete")])));
    await Promise.all([writer.waitSaved(), colleague.waitSaved()]);
    const decided = await sameEverywhere(id, [writer, colleague, editor, chief], "decided two");
    expect(decided.textContent).toBe("湖南长沙晴，气温二十度左右。");
    expect(suggestionsInDoc(writer.doc).map((s) => s.text)).toEqual(["湖南"]);

    editBody(colleague.doc, (tr) => decideSuggestions(tr, "reject"));
    await colleague.waitSaved();
    const final = await sameEverywhere(id, [writer, colleague, editor, chief], "decided all");
    expect(final.textContent).toBe("长沙晴，气温二十度左右。");
    expect(await serverText(id)).toBe("长沙晴，气温二十度左右。");

    // Nothing left open: the story goes through.
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);
    await overrideFailedChecks(server.url, cookie.huhongye, id);
    const approved = await transition("huhongye", id, "approve");
    expect(approved.body.error).toBeUndefined();
    expect(approved.status).toBe(200);
  });

  it("a refused 签发 counts every open suggestion but lists only the first few, each an excerpt", async () => {
    const id = await createTeamStory(server.url, cookie.huhongye, "修订很多");
    const writer = await connect("yaoyuchao", id);
    writer.type(STORY);
    await writer.waitSaved();
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);
    const editor = await connect("huhongye", id);
    await waitFor(() => editor.access?.canWrite === true, { message: "the desk may write" });
    const long = "据省气象台消息".repeat(10);
    editBody(editor.doc, (tr) => suggestInsertion(tr, positionOf(editor.doc, "长沙"), positionOf(editor.doc, "长沙"), long, suggester(ids.huhongye)));
    editBody(editor.doc, (tr) => suggestDeletion(tr, positionOf(editor.doc, "今天"), positionOf(editor.doc, "今天") + 2, suggester(ids.huhongye)));
    editBody(editor.doc, (tr) => suggestDeletion(tr, positionOf(editor.doc, "二十"), positionOf(editor.doc, "二十") + 2, suggester(ids.huhongye)));
    await editor.waitSaved();
    const previous = process.env.GATE_LISTED_SUGGESTIONS_MAX;
    process.env.GATE_LISTED_SUGGESTIONS_MAX = "2";
    try {
      const { refused, listed } = await serverSuggestions(id);
      expect(refused.status).toBe(409);
      const blocker = refused.body.error?.blockers?.find((b) => b.kind === "suggestions");
      expect(blocker?.count).toBe(3);
      expect(blocker?.message).toBe("还有 3 处修订未处理");
      expect(listed.map((s) => s.text)).toEqual([`${long.slice(0, 40)}…`, "今天"]);
    } finally {
      if (previous === undefined) delete process.env.GATE_LISTED_SUGGESTIONS_MAX;
      else process.env.GATE_LISTED_SUGGESTIONS_MAX = previous;
    }
  });

  it("refuses a suggestion made in someone else's name, and stores nothing of it", async () => {
    const id = await createTeamStory(server.url, cookie.huhongye, "消息");
    const writer = await connect("yaoyuchao", id);
    writer.type(STORY);
    await writer.waitSaved();
    const closes: number[] = [];
    writer.provider.on("connection-close", (event) => {
      if (event) closes.push(event.code);
    });
    // The reporter writes a "suggestion" by the editor into her own draft.
    editBody(writer.doc, (tr) => {
      const from = positionOf(writer.doc, "今天");
      suggestDeletion(tr, from, from + 2, suggester(ids.huhongye));
    });
    await waitFor(() => closes.length > 0, { message: "forged suggestion refused", timeoutMs: 30_000 });
    expect(closes[0]).toBe(4400);
    writer.destroy();
    // A stored deletion mark would leave the text as it was: what counts is that no copy of the
    // story, fetched fresh from the server, holds a suggestion in the editor's name.
    const fresh = await connect("yaoyuchao", id);
    expect(fresh.bodyText()).toBe(STORY);
    expect(suggestionsInDoc(fresh.doc)).toEqual([]);
    fresh.destroy();

    // In her own name the same edit is an ordinary suggestion.
    const again = await connect("yaoyuchao", id);
    editBody(again.doc, (tr) => {
      const from = positionOf(again.doc, "今天");
      suggestDeletion(tr, from, from + 2, suggester(ids.yaoyuchao));
    });
    await again.waitSaved();
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);
    const { listed } = await serverSuggestions(id);
    expect(listed.map((s) => [s.kind, s.text, s.author])).toEqual([["delete", "今天", ids.yaoyuchao]]);
  });

  it("refuses stretching the editor's suggestion over the reporter's words (deleting its closing format item)", async () => {
    const id = await createTeamStory(server.url, cookie.huhongye, "拉伸");
    const writer = await connect("yaoyuchao", id);
    writer.type(STORY);
    await writer.waitSaved();
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);
    const editor = await connect("huhongye", id);
    await waitFor(() => editor.access?.canWrite === true, { message: "the desk may write" });
    editBody(editor.doc, (tr) => suggestInsertion(tr, positionOf(editor.doc, "。"), positionOf(editor.doc, "。"), "左右", suggester(ids.huhongye)));
    await editor.waitSaved();
    expect((await transition("huhongye", id, "request_changes", "请处理修订")).status).toBe(200);
    await waitFor(() => writer.access?.canWrite === true && writer.bodyText().includes("左右"), { message: "the byline may write, with the suggestion" });

    // The reporter's client deletes only the item closing the editor's mark: it would now cover "。" too.
    const closes: number[] = [];
    writer.provider.on("connection-close", (event) => {
      if (event) closes.push(event.code);
    });
    const ytext = (writer.doc.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;
    let closing: Y.Item | null = null;
    for (let item = ytext._start; item; item = item.right) {
      if (!item.deleted && item.content instanceof Y.ContentFormat && item.content.value === null && item.content.key.startsWith("suggestInsert")) closing = item;
    }
    expect(closing).not.toBeNull();
    writer.doc.transact((tr) => closing!.delete(tr));
    expect(suggestionsInDoc(writer.doc).map((s) => s.text)).toEqual(["左右。"]);
    await waitFor(() => closes.length > 0, { message: "the stretch refused", timeoutMs: 30_000 });
    expect(closes[0]).toBe(4400);
    writer.destroy();

    // Nothing of it was kept: the editor's suggestion covers its own two characters, everywhere.
    const fresh = await connect("yaoyuchao", id);
    expect(suggestionsInDoc(fresh.doc).map((s) => [s.text, s.author])).toEqual([["左右", ids.huhongye]]);
    expect(suggestionsInDoc(editor.doc).map((s) => s.text)).toEqual(["左右"]);
    // Her honest decision on it goes through.
    editBody(fresh.doc, (tr) => decideSuggestions(tr, "accept"));
    await fresh.waitSaved();
    await sameEverywhere(id, [fresh, editor], "accepted after the refused stretch");
    expect(fresh.bodyText()).toBe(STORY.replace("。", "左右。"));
  });

  it("an honest delete is not refused when a colleague's concurrent typing reached the server first (the race the stretch check must let through)", async () => {
    const id = await createTeamStory(server.url, cookie.huhongye, "竞态");
    const dave = await connect("yaoyuchao", id);
    dave.type(STORY);
    await dave.waitSaved();
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);
    const editor = await connect("huhongye", id);
    await waitFor(() => editor.access?.canWrite === true, { message: "the desk may write" });
    editBody(editor.doc, (tr) => suggestInsertion(tr, positionOf(editor.doc, "今天"), positionOf(editor.doc, "今天"), "市区", suggester(ids.huhongye)));
    await editor.waitSaved();
    expect((await transition("huhongye", id, "request_changes", "请处理修订")).status).toBe(200);
    const erin = await connect("xuweixiang", id);
    await waitFor(() => dave.access?.canWrite === true && erin.access?.canWrite === true && dave.bodyText().includes("市区"), { message: "the byline may write" });
    const textOf = (client: CollabClient) => (client.doc.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;
    // Someone types X inside the editor's insertion: Yjs closes and reopens her mark around it.
    textOf(dave).insert(3, "X", {});
    await dave.waitSaved();
    await waitFor(() => erin.bodyText().includes("市X区"), { message: "Erin has X" });

    // Both go offline; Dave deletes X (his Yjs drops her closing item, now redundant), Erin types Y after X.
    const closes: number[] = [];
    dave.provider.on("connection-close", (event) => {
      if (event) closes.push(event.code);
    });
    dave.provider.disconnect();
    erin.provider.disconnect();
    const formatsBefore = Y.encodeStateVector(dave.doc);
    textOf(dave).delete(3, 1);
    const daveUpdate = Y.decodeUpdate(Y.encodeStateAsUpdate(dave.doc, formatsBefore));
    // It did delete one of her format items (the editor's copy still has them all).
    const herFormats: Y.Item[] = [];
    for (let item = textOf(editor)._start; item; item = item.right) {
      if (!item.deleted && item.content instanceof Y.ContentFormat && item.content.key.startsWith("suggestInsert")) herFormats.push(item);
    }
    expect(herFormats.some((item) => Y.isDeleted(daveUpdate.ds, item.id))).toBe(true);
    textOf(erin).insert(4, "Y", {});
    // Erin's Y reaches the server first, then Dave's delete.
    erin.provider.connect();
    await erin.waitSaved();
    dave.provider.connect();
    await dave.waitSaved();
    await sameEverywhere(id, [dave, erin, editor], "after the race");
    expect(closes).toEqual([]);
    console.log(`after the race: ${JSON.stringify(suggestionsInDoc(editor.doc).map((s) => s.text))}`);
    expect(dave.bodyText()).toContain("市Y区");
  });

  it("undo: a reviewer takes back a suggestion, a reporter takes back an accept, and the server takes both", async () => {
    const id = await createTeamStory(server.url, cookie.huhongye, "撤销");
    const writer = await connect("yaoyuchao", id);
    writer.type(STORY);
    await writer.waitSaved();
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);
    const editor = await connect("huhongye", id);
    await waitFor(() => editor.access?.canWrite === true, { message: "the desk may write" });
    const body = (c: CollabClient) => c.doc.getXmlFragment("body");
    // Yjs's undo, as the editor's 撤销 uses it (its own changes only).
    const editorUndo = new Y.UndoManager(body(editor), { captureTimeout: 0 });
    editBody(editor.doc, (tr) => suggestDeletion(tr, positionOf(editor.doc, "今天"), positionOf(editor.doc, "今天") + 2, suggester(ids.huhongye)));
    editBody(editor.doc, (tr) => suggestInsertion(tr, positionOf(editor.doc, "。"), positionOf(editor.doc, "。"), "左右", suggester(ids.huhongye)));
    editorUndo.undo();
    await editor.waitSaved();
    await sameEverywhere(id, [editor, writer], "undone suggestion");
    expect(suggestionsInDoc(writer.doc).map((s) => `${s.kind}:${s.text}`)).toEqual(["delete:今天"]);

    expect((await transition("huhongye", id, "request_changes", "请处理修订")).status).toBe(200);
    await waitFor(() => writer.access?.canWrite === true, { message: "the byline may write" });
    const writerUndo = new Y.UndoManager(body(writer), { captureTimeout: 0 });
    editBody(writer.doc, (tr) => decideSuggestions(tr, "reject"));
    await writer.waitSaved();
    expect(suggestionsInDoc(writer.doc)).toEqual([]);
    // Undoing the reject writes the editor's suggestion again, from the reporter's client: the
    // server knows it as the editor's and keeps the connection.
    const closes: number[] = [];
    writer.provider.on("connection-close", (event) => {
      if (event) closes.push(event.code);
    });
    writerUndo.undo();
    await writer.waitSaved();
    const restored = await sameEverywhere(id, [writer, editor], "undone reject");
    expect(suggestionsInDoc(editor.doc).map((s) => [s.kind, s.text, s.author])).toEqual([["delete", "今天", ids.huhongye]]);
    expect(restored.textContent).toBe(STORY);
    expect(closes).toEqual([]);
  });
});
