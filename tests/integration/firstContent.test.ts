import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/backends";
import { connectClient } from "../support/collabClient";
import { createArticle, getArticle, signIn } from "../support/session";
import { createStore, startTestServer, type ServerStore, type TestServer } from "../support/testServer";

const ROUNDS = 10;

describe.each(backends())("a new story's first content appears exactly once (%s)", (backend) => {
  let store: ServerStore;
  let server: TestServer;
  let cookie: string;

  beforeAll(async () => {
    store = await createStore(backend);
    server = await startTestServer(store);
    cookie = await signIn(server.url, "huhongye");
  });
  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  });

  async function openAtOnce(id: string, count: number) {
    const clients = Array.from({ length: count }, () => connectClient(server.url, id, cookie));
    await Promise.all(clients.map((c) => c.waitSynced()));
    return clients;
  }

  it(`ten clients opening a new story at the same moment see one title and one paragraph (${ROUNDS} stories)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const title = `同时打开-${round}`;
      const id = await createArticle(server.url, cookie, title);
      const clients = await openAtOnce(id, 10);
      for (const client of clients) {
        expect(client.titleText()).toBe(title);
        expect(client.doc.getXmlFragment("title").length).toBe(1);
        expect(client.doc.getXmlFragment("body").length).toBe(1);
      }
      clients.forEach((c) => c.destroy());
    }
  });

  it("still exactly once when the server restarts between the first and the next opens", async () => {
    const id = await createArticle(server.url, cookie, "重启前后");
    const first = await openAtOnce(id, 5);
    first[0].type("第一段");
    await first[0].waitSaved();
    first.forEach((c) => c.destroy());
    await server.kill();
    server = await startTestServer(store);
    cookie = await signIn(server.url, "huhongye");
    const again = await openAtOnce(id, 10);
    for (const client of again) {
      expect(client.doc.getXmlFragment("title").length).toBe(1);
      expect(client.doc.getXmlFragment("body").length).toBe(1);
      expect(client.bodyText()).toBe("第一段");
    }
    again.forEach((c) => c.destroy());
    expect((await getArticle(server.url, cookie, id)).content).toEqual({ title: "重启前后", text: "第一段" });
  });
});
