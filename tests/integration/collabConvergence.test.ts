import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/backends";
import { connectClient, type CollabClient } from "../support/collabClient";
import { createArticle, createTeamStory, getArticle, signIn } from "../support/session";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { createStore, type ServerStore } from "../support/testServer";
import { waitFor } from "../support/wait";

const REPORTERS = ["yaoyuchao", "xuweixiang", "zhoumi", "huhongye"];

describe.each(backends())("co-writing converges (%s)", (backend) => {
  let store: ServerStore;
  let server: InProcessServer;
  const cookies = new Map<string, string>();

  beforeAll(async () => {
    store = await createStore(backend);
    server = await startInProcessServer(store);
    for (const name of REPORTERS) cookies.set(name, await signIn(server.url, name));
  });
  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  });

  async function openClients(articleId: string, count: number): Promise<CollabClient[]> {
    const clients = Array.from({ length: count }, (_, i) =>
      connectClient(server.url, articleId, cookies.get(REPORTERS[i % REPORTERS.length])!),
    );
    await Promise.all(clients.map((c) => c.waitSynced()));
    return clients;
  }

  it("two clients typing at once end with the same text, and the server stores it", async () => {
    const cookie = cookies.get("yaoyuchao")!;
    const id = await createTeamStory(server.url, cookies.get("huhongye")!, "两人同时写");
    const [a, b] = await openClients(id, 2);
    for (let i = 0; i < 20; i++) {
      a.type(`甲${i}`);
      b.type(`乙${i}`);
    }
    await waitFor(() => a.bodyText() === b.bodyText() && a.bodyText().length > 0, { message: "convergence" });
    for (let i = 0; i < 20; i++) {
      expect(a.bodyText()).toContain(`甲${i}`);
      expect(a.bodyText()).toContain(`乙${i}`);
    }
    await Promise.all([a.waitSaved(), b.waitSaved()]);
    const stored = await getArticle(server.url, cookie, id);
    expect(stored.content.text).toBe(a.bodyText());
    expect(stored.content.title).toBe("两人同时写");
    a.destroy();
    b.destroy();
  });

  it("ten clients editing concurrently converge to one text with every edit in it", async () => {
    const cookie = cookies.get("huhongye")!;
    const id = await createTeamStory(server.url, cookie);
    const clients = await openClients(id, 10);
    for (let round = 0; round < 5; round++) {
      clients.forEach((c, i) => c.type(`[${i}-${round}]`));
    }
    await waitFor(() => new Set(clients.map((c) => c.bodyText())).size === 1, { message: "ten-way convergence" });
    const text = clients[0].bodyText();
    for (let i = 0; i < 10; i++) for (let round = 0; round < 5; round++) expect(text).toContain(`[${i}-${round}]`);
    await Promise.all(clients.map((c) => c.waitSaved()));
    expect((await getArticle(server.url, cookie, id)).content.text).toBe(text);
    clients.forEach((c) => c.destroy());
  });

  it("shows who is in a story, with the session's names whatever the client claims", async () => {
    const id = await createTeamStory(server.url, cookies.get("huhongye")!);
    const [a, b] = await openClients(id, 2);
    a.provider.awareness.setLocalStateField("user", { id: "x", name: "冒充的名字", color: "#000" });
    await waitFor(
      () =>
        [...b.provider.awareness.getStates().values()].some(
          (s) => (s.user as { name?: string } | undefined)?.name === "姚宇超",
        ),
      { message: "a's presence at b" },
    );
    const names = [...b.provider.awareness.getStates().values()].map((s) => (s.user as { name?: string })?.name);
    expect(names).not.toContain("冒充的名字");
    const article = await getArticle(server.url, cookies.get("zhoumi")!, id);
    expect(article.present.map((p) => p.name).sort()).toEqual(["姚宇超", "徐卫香"].sort());
    a.destroy();
    b.destroy();
  });

  it("lists as present (正在编辑) only the people who may write, not a colleague reading along", async () => {
    const id = await createArticle(server.url, cookies.get("yaoyuchao")!, "只读的旁观者");
    const writer = connectClient(server.url, id, cookies.get("yaoyuchao")!);
    const reader = connectClient(server.url, id, cookies.get("zhoumi")!);
    try {
      await Promise.all([writer.waitSynced(), reader.waitSynced()]);
      const article = await getArticle(server.url, cookies.get("xuweixiang")!, id);
      expect(article.present.map((p) => p.name)).toEqual(["姚宇超"]);
    } finally {
      writer.destroy();
      reader.destroy();
    }
  });

  it("sends edits made while offline once the connection returns", async () => {
    const id = await createTeamStory(server.url, cookies.get("huhongye")!);
    const [a, b] = await openClients(id, 2);
    a.provider.disconnect();
    a.type("离线时写的一句话");
    expect(a.isSaved()).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    expect(b.bodyText()).not.toContain("离线时写的一句话");
    a.provider.connect();
    await waitFor(() => b.bodyText().includes("离线时写的一句话"), { message: "offline edit delivered" });
    await a.waitSaved();
    a.destroy();
    b.destroy();
  });
});
