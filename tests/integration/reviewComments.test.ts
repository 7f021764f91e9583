import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anchoredText, anchorInText, resolveTextAnchor, type EncodedAnchor } from "../../newsroom/commentAnchor";
import { backends } from "../support/backends";
import { connectClient, type CollabClient } from "../support/collabClient";
import { openEventStream } from "../support/eventStream";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { seededRandom } from "../support/random";
import { addMembers, api, createArticle, createTeamStory, signIn } from "../support/session";
import { createStore, type ServerStore } from "../support/testServer";
import { waitFor } from "../support/wait";

interface Thread {
  id: string;
  author: { username: string } | null;
  text: string;
  anchor: EncodedAnchor | null;
  quote: string | null;
  resolved: boolean;
  deleted: boolean;
  mentions: { username: string }[];
  replies: { id: string; text: string; deleted: boolean; author: { username: string } | null }[];
}

/** Characters the first writer puts down; the random editors only ever insert lower-case letters. */
const ORIGINAL = "0123456789ABCDEFGHIJKLMN";
const isOriginal = (c: string) => ORIGINAL.includes(c);

/** The text of the first body paragraph (created by the first `type`). */
const firstText = (client: CollabClient) =>
  ((client.doc.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText | undefined) ?? null;

const LIMITS = { COMMENTS_MAX_PER_STORY: "6", COMMENTS_MAX_TEXT_LENGTH: "300", COMMENTS_MAX_STREAMS_PER_USER: "2" };

describe.each(backends())("review comments (%s)", (backend) => {
  let store: ServerStore;
  let server: InProcessServer;
  const cookie: Record<string, string> = {};
  const clients: CollabClient[] = [];
  const threadsOf = async (user: string, id: string) =>
    api<{ threads: Thread[] }>(server.url, cookie[user], "GET", `/api/articles/${id}/comments`);
  const comment = (user: string, id: string, body: unknown) =>
    api<{ id: string; error?: { code: string } }>(server.url, cookie[user], "POST", `/api/articles/${id}/comments`, body);
  const connect = async (user: string, id: string) => {
    const client = connectClient(server.url, id, cookie[user]);
    clients.push(client);
    await client.waitSynced();
    return client;
  };

  beforeAll(async () => {
    store = await createStore(backend);
    server = await startInProcessServer(store, LIMITS);
    for (const user of ["yaoyuchao", "xuweixiang", "zhoumi", "huhongye"]) cookie[user] = await signIn(server.url, user);
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server?.stop();
    await store?.dispose();
  });

  it("keeps an anchor on its text through concurrent inserts and deletes around and inside it (seeded)", async () => {
    const random = seededRandom();
    console.log(`comment anchor schedule seed ${random.seed} (replay with RELIABILITY_SEED=${random.seed})`);
    const id = await createTeamStory(server.url, cookie.huhongye, "锚点");
    const editor = await connect("huhongye", id);
    const yao = await connect("yaoyuchao", id);
    const xu = await connect("xuweixiang", id);
    editor.type(ORIGINAL);
    await waitFor(() => yao.bodyText() === ORIGINAL && xu.bodyText() === ORIGINAL, { message: "first text everywhere" });
    const [from, to] = [6, 16];
    const quote = ORIGINAL.slice(from, to);
    const posted = await comment("huhongye", id, { anchor: anchorInText(firstText(editor)!, from, to), quote, text: "这里核实一下" });
    expect(posted.status).toBe(201);
    const anchor = (await threadsOf("yaoyuchao", id)).body.threads[0].anchor!;

    // Three writers edit at once, without waiting for each other: inserts and deletes
    // before, inside and after the anchored range.
    const writers = [editor, yao, xu];
    for (let round = 0; round < 40; round++) {
      for (const writer of writers) {
        const text = firstText(writer)!;
        if (text.length > 4 && random.chance(0.3)) {
          const at = random.int(0, text.length - 2);
          text.delete(at, random.int(1, 2));
        } else {
          text.insert(random.int(0, text.length), "abcdefghijklmnopqrstuvwxyz"[random.int(0, 25)]);
        }
      }
      if (round % 8 === 7) await new Promise((r) => setTimeout(r, random.int(0, 30)));
    }
    await waitFor(() => writers.every((w) => w.bodyText() === editor.bodyText()), { message: "the writers converge" });
    await Promise.all(writers.map((w) => w.waitSaved()));

    // The anchor covers exactly the original characters of the quote that are left, in order,
    // on every client and on a fresh client that loads what the server stored.
    const fresh = await connect("zhoumi", id);
    const survivors = [...editor.bodyText()].filter(isOriginal).filter((c) => quote.includes(c)).join("");
    // When every original character is gone, text typed inside the range keeps the comment
    // (as in Google Docs); only an empty range counts as deleted.
    for (const doc of [...writers, fresh].map((c) => c.doc)) {
      const covered = anchoredText(doc, anchor);
      expect([...(covered ?? "")].filter(isOriginal).join("")).toBe(survivors);
      if (covered === null) expect(resolveTextAnchor(doc, anchor)).toEqual({ deleted: true });
      if (survivors !== "") expect(covered).not.toBeNull();
    }
    const texts = writers.map((w) => anchoredText(w.doc, anchor));
    expect(new Set(texts).size).toBe(1);
    console.log(`anchored range after the edits: ${JSON.stringify(texts[0])} (quote ${quote}, text ${editor.bodyText()})`);
  });

  it("keeps a thread whose text was deleted, with its quote, and reports the anchor as deleted", async () => {
    const id = await createTeamStory(server.url, cookie.huhongye, "删除");
    const yao = await connect("yaoyuchao", id);
    yao.type("要删掉的段落");
    await yao.waitSaved();
    const posted = await comment("yaoyuchao", id, { anchor: anchorInText(firstText(yao)!, 1, 3), quote: "删掉", text: "这句不要了" });
    expect(posted.status).toBe(201);
    yao.doc.transact(() => {
      const body = yao.doc.getXmlFragment("body");
      body.insert(1, [new Y.XmlElement("paragraph")]);
      body.delete(0, 1);
    });
    await yao.waitSaved();
    const [thread] = (await threadsOf("huhongye", id)).body.threads;
    expect(thread).toMatchObject({ quote: "删掉", text: "这句不要了", resolved: false });
    expect(resolveTextAnchor(yao.doc, thread.anchor!)).toEqual({ deleted: true });
  });

  it("lets members and editors comment in any state, and refuses outsiders and bad input", async () => {
    const id = await createArticle(server.url, cookie.huhongye, "只有姚宇超");
    await addMembers(server.url, cookie.huhongye, id, ["yaoyuchao"]);
    const yao = await connect("yaoyuchao", id);
    yao.type("正文");
    await yao.waitSaved();
    const anchor = anchorInText(firstText(yao)!, 0, 2);
    // Submitted: the member may no longer write the text, but still comments.
    expect((await api(server.url, cookie.yaoyuchao, "POST", `/api/articles/${id}/transitions`, { action: "submit" })).status).toBe(200);
    expect((await comment("yaoyuchao", id, { anchor, text: "请编辑看看 @胡红叶" })).status).toBe(201);
    expect((await comment("huhongye", id, { anchor, text: "好的" })).status).toBe(201);

    // zhoumi is a reporter, but not on this byline: no reading, no writing.
    expect((await comment("zhoumi", id, { anchor, text: "路过" })).body.error?.code).toBe("forbidden");
    expect((await threadsOf("zhoumi", id)).status).toBe(403);
    expect((await openEventStream(server.url, cookie.zhoumi, `/api/articles/${id}/comments/stream`)).status).toBe(403);
    expect((await api(server.url, null, "GET", `/api/articles/${id}/comments`)).status).toBe(401);

    // Bad input is refused and changes nothing.
    expect((await comment("yaoyuchao", id, { anchor: { start: "!!", end: "??" }, text: "x" })).status).toBe(400);
    expect((await comment("yaoyuchao", id, { anchor, text: "   " })).status).toBe(400);
    expect((await comment("yaoyuchao", id, { anchor, text: "长".repeat(301) })).status).toBe(400);
    expect((await comment("yaoyuchao", id, { text: "没有锚点" })).status).toBe(400);
    const { threads } = (await threadsOf("yaoyuchao", id)).body;
    expect(threads.map((t) => t.text)).toEqual(["请编辑看看 @胡红叶", "好的"]);
    expect(threads[0].mentions.map((m) => m.username)).toEqual(["huhongye"]);
  });

  it("tells the people a comment @mentions, but only those who take part in the story", async () => {
    const id = await createArticle(server.url, cookie.huhongye, "提到谁");
    await addMembers(server.url, cookie.huhongye, id, ["yaoyuchao"]);
    const yao = await connect("yaoyuchao", id);
    yao.type("需要核实的段落");
    await yao.waitSaved();
    const anchor = anchorInText(firstText(yao)!, 0, 4);
    // 周汨 is a reporter, but not on this byline: a mention must not tell her the story exists.
    expect((await comment("yaoyuchao", id, { anchor, text: "@胡红叶 @周汨 请看这里" })).status).toBe(201);
    const mentionsFor = async (user: string) =>
      (
        await api<{ notifications: { kind: string; articleId: string | null; message: string }[] }>(
          server.url,
          cookie[user],
          "GET",
          "/api/notifications",
        )
      ).body.notifications.filter((n) => n.articleId === id && n.kind === "mentioned");
    expect((await mentionsFor("huhongye")).map((n) => n.message)).toEqual(["姚宇超在《提到谁》的评论中提到了你"]);
    expect(await mentionsFor("zhoumi")).toEqual([]);
    expect(await mentionsFor("yaoyuchao")).toEqual([]);
  });

  it("replies, resolves and reopens, edits and deletes one's own, live for everyone on the story", async () => {
    const id = await createTeamStory(server.url, cookie.huhongye, "讨论");
    const yao = await connect("yaoyuchao", id);
    yao.type("需要讨论的句子");
    await yao.waitSaved();
    const live = await openEventStream(server.url, cookie.xuweixiang, `/api/articles/${id}/comments/stream`);
    expect(live.status).toBe(200);
    await waitFor(() => live.events.includes("ready"), { message: "the stream is live" });

    const { body: thread } = await comment("huhongye", id, { anchor: anchorInText(firstText(yao)!, 0, 4), text: "数据来源?" });
    await waitFor(() => live.events.includes("changed"), { message: "the new thread reaches an open stream" });
    const reply = await api<{ id: string }>(server.url, cookie.yaoyuchao, "POST", `/api/articles/${id}/comments/${thread.id}/replies`, { text: "统计局公报" });
    expect(reply.status).toBe(201);

    // Only the author edits or deletes a comment.
    const path = (cid: string) => `/api/articles/${id}/comments/${cid}`;
    expect((await api(server.url, cookie.huhongye, "PATCH", path(reply.body.id), { text: "改别人的" })).status).toBe(403);
    expect((await api(server.url, cookie.yaoyuchao, "PATCH", path(reply.body.id), { text: "国家统计局公报" })).status).toBe(200);
    expect((await api(server.url, cookie.yaoyuchao, "DELETE", path(thread.id))).status).toBe(403);

    const resolve = (user: string, resolved: boolean) =>
      api<{ resolved: boolean }>(server.url, cookie[user], "POST", `${path(thread.id)}/resolve`, { resolved });
    expect((await resolve("huhongye", true)).body.resolved).toBe(true);
    expect((await threadsOf("xuweixiang", id)).body.threads[0]).toMatchObject({ resolved: true, replies: [{ text: "国家统计局公报" }] });
    expect((await resolve("yaoyuchao", false)).body.resolved).toBe(false);
    expect((await threadsOf("xuweixiang", id)).body.threads[0].resolved).toBe(false);
    expect((await resolve("zhoumi", true)).status).toBe(200); // zhoumi is on this byline
    expect((await api(server.url, cookie.huhongye, "POST", `${path(reply.body.id)}/resolve`, { resolved: true })).status).toBe(400);

    // Deleting a thread's first comment keeps the thread and its replies.
    expect((await api(server.url, cookie.huhongye, "DELETE", path(thread.id))).status).toBe(200);
    const [after] = (await threadsOf("yaoyuchao", id)).body.threads;
    expect(after).toMatchObject({ deleted: true, text: "", replies: [{ text: "国家统计局公报", deleted: false }] });
    const changes = live.events.filter((e) => e === "changed").length;
    expect(changes).toBeGreaterThanOrEqual(6);
    live.close();
  });

  it("bounds comments per story and open streams per user", async () => {
    const id = await createTeamStory(server.url, cookie.huhongye, "上限");
    const yao = await connect("yaoyuchao", id);
    yao.type("上限");
    await yao.waitSaved();
    const anchor = anchorInText(firstText(yao)!, 0, 2);
    for (let i = 0; i < 6; i++) expect((await comment("huhongye", id, { anchor, text: `第 ${i + 1} 条` })).status).toBe(201);
    const refused = await comment("huhongye", id, { anchor, text: "第 7 条" });
    expect(refused.status).toBe(409);
    expect((await threadsOf("huhongye", id)).body.threads).toHaveLength(6);

    const streams = [];
    for (let i = 0; i < 2; i++) streams.push(await openEventStream(server.url, cookie.zhoumi, `/api/articles/${id}/comments/stream`));
    expect(streams.map((s) => s.status)).toEqual([200, 200]);
    expect((await openEventStream(server.url, cookie.zhoumi, `/api/articles/${id}/comments/stream`)).status).toBe(429);
    streams[0].close();
    // The slot comes back once the server sees the stream closed.
    const again = await waitFor(
      async () => {
        const stream = await openEventStream(server.url, cookie.zhoumi, `/api/articles/${id}/comments/stream`);
        if (stream.status === 200) return stream;
        stream.close();
        return null;
      },
      { message: "a stream slot freed by closing one" },
    );
    again.close();
    streams[1].close();
  });
});
