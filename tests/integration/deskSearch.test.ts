import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/backends";
import { connectClient } from "../support/collabClient";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { addMembers, api, createArticle, signIn } from "../support/session";
import { createStore, type ServerStore } from "../support/testServer";

interface Listed {
  articles: { id: string; title: string; state: string; byline: { username: string }[] }[];
}
interface ApiError {
  error: { code: string; message: string };
}

describe.each(backends())("search and filters of GET /api/articles (%s)", (backend) => {
  let store: ServerStore;
  let server: InProcessServer;
  let editor: string;
  let yao: string;
  let bookshop: string;
  let flood: string;

  /** A story whose body holds `text`, saved as a named version (so its text is stored). */
  async function storyWithText(cookie: string, title: string, text: string): Promise<string> {
    const id = await createArticle(server.url, cookie, title);
    const client = connectClient(server.url, id, cookie);
    try {
      await client.waitSynced();
      client.type(text);
      await client.waitSaved();
    } finally {
      client.destroy();
    }
    const saved = await api(server.url, cookie, "POST", `/api/articles/${id}/revisions`, { name: "初稿" });
    expect(saved.status).toBe(201);
    return id;
  }

  const search = (query: string, cookie = yao) => api<Listed & ApiError>(server.url, cookie, "GET", `/api/articles?${query}`);

  beforeAll(async () => {
    store = await createStore(backend);
    server = await startInProcessServer(store);
    [editor, yao] = await Promise.all([signIn(server.url, "huhongye"), signIn(server.url, "yaoyuchao")]);
    bookshop = await storyWithText(yao, "社区书屋夜读", "老厂房改成的书屋里，居民每晚在这里读书到十点。");
    flood = await storyWithText(editor, "湘江防汛一线", "防汛队员连夜加固堤岸，100%_完成巡查，GPS定位每段堤防。");
    await addMembers(server.url, editor, flood, ["zhoumi"]);
  });
  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  });

  it("finds a Chinese substring of the text, and of the title", async () => {
    const inText = await search(`q=${encodeURIComponent("加固堤岸")}`);
    expect(inText.status).toBe(200);
    expect(inText.body.articles.map((a) => a.id)).toEqual([flood]);
    const inTitle = await search(`q=${encodeURIComponent("书屋")}`);
    expect(inTitle.body.articles.map((a) => a.id)).toContain(bookshop);
    expect(inTitle.body.articles.map((a) => a.id)).not.toContain(flood);
    const none = await search(`q=${encodeURIComponent("不存在的词语")}`);
    expect(none.body.articles).toEqual([]);
  });

  it("finds one-character and two-character searches exactly, in the text and the title", async () => {
    const ids = async (q: string) => (await search(`q=${encodeURIComponent(q)}`)).body.articles.map((a) => a.id);
    expect(await ids("汛")).toEqual([flood]);
    expect(await ids("夜")).toEqual(expect.arrayContaining([bookshop, flood]));
    expect(await ids("夜读")).toContain(bookshop);
    expect(await ids("夜读")).not.toContain(flood);
    expect(await ids("堤防")).toEqual([flood]);
    expect(await ids("汛读")).toEqual([]);
  });

  it("finds nothing for a phrase whose character pairs are all in a story but never together", async () => {
    // The bookshop story has 读书 and 书屋, not 读书屋: the pairs only pick candidates.
    const ids = async (q: string) => (await search(`q=${encodeURIComponent(q)}`)).body.articles.map((a) => a.id);
    expect(await ids("读书")).toContain(bookshop);
    expect(await ids("书屋")).toContain(bookshop);
    expect(await ids("读书屋")).toEqual([]);
  });

  it("ignores letter case, in the search and in the story", async () => {
    const ids = async (q: string) => (await search(`q=${encodeURIComponent(q)}`)).body.articles.map((a) => a.id);
    expect(await ids("gps定位")).toEqual([flood]);
    expect(await ids("Gps")).toEqual([flood]);
    expect(await ids("G")).toEqual([flood]);
  });

  it("matches % and _ literally, not as wildcards", async () => {
    expect((await search(`q=${encodeURIComponent("100%_")}`)).body.articles.map((a) => a.id)).toEqual([flood]);
    expect((await search(`q=${encodeURIComponent("%")}`)).body.articles.map((a) => a.id)).toEqual([flood]);
  });

  it("filters by state and by byline member, alone and with text", async () => {
    const drafts = await search("state=draft");
    expect(drafts.body.articles.every((a) => a.state === "draft")).toBe(true);
    expect(drafts.body.articles.map((a) => a.id)).toEqual(expect.arrayContaining([bookshop, flood]));
    expect((await search("state=published")).body.articles.map((a) => a.id)).not.toContain(bookshop);

    const zhou = await search("member=zhoumi");
    expect(zhou.body.articles.map((a) => a.id)).toContain(flood);
    expect(zhou.body.articles.map((a) => a.id)).not.toContain(bookshop);
    expect(zhou.body.articles.every((a) => a.byline.some((m) => m.username === "zhoumi"))).toBe(true);

    const both = await search(`q=${encodeURIComponent("读书")}&member=zhoumi`);
    expect(both.body.articles).toEqual([]);
  });

  it("answers 400 to a search string past the limit, an unknown state and an unknown member", async () => {
    const tooLong = await search(`q=${"a".repeat(10_000)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe("invalid_request");
    expect(tooLong.body.error.message).toContain("200");
    const badState = await search("state=lost");
    expect(badState.status).toBe(400);
    expect(badState.body.error.message).toContain("state");
    const nobody = await search("member=nobody");
    expect(nobody.status).toBe(400);
    expect(nobody.body.error.message).toContain("nobody");
  });

  it("is for signed-in people only", async () => {
    expect((await api(server.url, null, "GET", "/api/articles?q=x")).status).toBe(401);
  });

  it("shows the search box on the dashboard, with the matches only", async () => {
    const page = await fetch(`${server.url}/?q=${encodeURIComponent("加固堤岸")}`, { headers: { cookie: yao } });
    const html = await page.text();
    expect(html).toContain('data-testid="dashboard-search"');
    expect(html.replace(/<!-- -->/g, "")).toContain("找到 1 篇稿件");
    expect(html).toContain("湘江防汛一线");
    expect(html).not.toContain("社区书屋夜读");
  });
});
