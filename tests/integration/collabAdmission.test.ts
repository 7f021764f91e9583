import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/backends";
import { connectClient, rawConnect } from "../support/collabClient";
import { api, createArticle, getArticle, signIn, signOut } from "../support/session";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { createStore, type ServerStore } from "../support/testServer";
import { waitFor } from "../support/wait";

/** A session cookie in the right format, encrypted with a secret the server does not have. */
async function cookieSignedWithOtherSecret(): Promise<string> {
  const { encode } = await import("next-auth/jwt");
  const token = await encode({
    token: { sub: "00000000-0000-4000-8000-000000000000", name: "x" },
    secret: "another-secret-another-secret-another-secret",
    salt: "authjs.session-token",
  });
  return `authjs.session-token=${token}`;
}

describe.each(backends())("who may open the collaboration socket (%s)", (backend) => {
  let store: ServerStore;
  let server: InProcessServer;
  let cookie: string;
  let articleId: string;
  let wsUrl: string;

  beforeAll(async () => {
    store = await createStore(backend);
    server = await startInProcessServer(store);
    cookie = await signIn(server.url, "yaoyuchao");
    articleId = await createArticle(server.url, cookie, "准入测试");
    wsUrl = `${server.url.replace("http", "ws")}/collab/${articleId}`;
  });
  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  });

  it("a signed-in member gets the document", async () => {
    const outcome = await rawConnect(wsUrl, { cookie }, { waitMs: 1000 });
    expect(outcome.opened).toBe(true);
    expect(outcome.messages.length).toBeGreaterThan(0);
  });

  it("refuses an upgrade without a session with 4401 before any document byte", async () => {
    const outcome = await rawConnect(wsUrl, {});
    expect(outcome.closeCode).toBe(4401);
    expect(outcome.messages).toHaveLength(0);
  });

  it("refuses a forged cookie and a cookie signed with another secret with 4401", async () => {
    const forged = await rawConnect(wsUrl, { cookie: "authjs.session-token=eyJhbGciOiJkaXIi.forged.value" });
    expect(forged.closeCode).toBe(4401);
    expect(forged.messages).toHaveLength(0);
    const otherSecret = await rawConnect(wsUrl, { cookie: await cookieSignedWithOtherSecret() });
    expect(otherSecret.closeCode).toBe(4401);
    expect(otherSecret.messages).toHaveLength(0);
  });

  it("a session cookie kept after signing out opens nothing: not the socket, not the API", async () => {
    const copied = await signIn(server.url, "yaoyuchao");
    expect((await rawConnect(wsUrl, { cookie: copied }, { waitMs: 500 })).opened).toBe(true);
    expect((await api(server.url, copied, "GET", `/api/articles/${articleId}`)).status).toBe(200);
    await signOut(server.url, copied);
    const outcome = await rawConnect(wsUrl, { cookie: copied });
    expect(outcome.closeCode).toBe(4401);
    expect(outcome.messages).toHaveLength(0);
    expect((await api(server.url, copied, "GET", `/api/articles/${articleId}`)).status).toBe(401);
    // Only that session ended: the same person's other session still works.
    expect((await api(server.url, cookie, "GET", `/api/articles/${articleId}`)).status).toBe(200);
  });

  it("refuses a foreign Origin at the handshake, even with a valid session", async () => {
    const outcome = await rawConnect(wsUrl, { cookie, origin: "https://evil.example" });
    expect(outcome.opened).toBe(false);
    expect(outcome.httpStatus).toBe(403);
    expect(outcome.messages).toHaveLength(0);
  });

  it("answers 4404 for an article that does not exist", async () => {
    const missing = `${server.url.replace("http", "ws")}/collab/00000000-0000-4000-8000-000000000000`;
    const outcome = await rawConnect(missing, { cookie });
    expect(outcome.closeCode).toBe(4404);
    expect(outcome.messages).toHaveLength(0);
    const garbage = await rawConnect(`${server.url.replace("http", "ws")}/collab/..%2F..%2Fetc`, { cookie });
    expect(garbage.closeCode).toBe(4404);
  });

  it("closes only the connection that sends a malformed frame; everyone else keeps editing", async () => {
    const a = connectClient(server.url, articleId, cookie);
    const b = connectClient(server.url, articleId, await signIn(server.url, "zhoumi"));
    await Promise.all([a.waitSynced(), b.waitSynced()]);

    const malformed = [
      Buffer.from([0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f]), // update with an absurd length prefix
      Buffer.from([0, 2, 5, 1, 2, 3, 4, 5]), // update bytes that are not a Yjs update
      Buffer.from([0, 9, 0]), // unknown sync message
      Buffer.from([42]), // unknown message type
      Buffer.from([1, 3, 1, 2, 3]), // truncated awareness
      "plain text frame",
    ];
    for (const frame of malformed) {
      const outcome = await rawConnect(wsUrl, { cookie }, { send: [frame] });
      expect(outcome.closeCode, `frame ${JSON.stringify(frame)}`).toBe(4400);
    }

    a.type("坏帧之后仍然可以写");
    await waitFor(() => b.bodyText().includes("坏帧之后仍然可以写"), { message: "edit after malformed frames" });
    await a.waitSaved();
    expect((await getArticle(server.url, cookie, articleId)).content.text).toContain("坏帧之后仍然可以写");
    a.destroy();
    b.destroy();
  });

  it("closes a connection that sends an oversize frame with 1009, and the server carries on", async () => {
    const huge = Buffer.alloc(2 * 1024 * 1024 + 16, 1);
    const outcome = await rawConnect(wsUrl, { cookie }, { send: [huge] });
    expect(outcome.closeCode).toBe(1009);
    const after = await rawConnect(wsUrl, { cookie }, { waitMs: 800 });
    expect(after.messages.length).toBeGreaterThan(0);
  });
});
