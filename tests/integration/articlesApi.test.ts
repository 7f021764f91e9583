import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/backends";
import { api, signIn, trySignIn } from "../support/session";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { createStore, DEMO_PASSWORD, type ServerStore } from "../support/testServer";

interface ApiError {
  error: { code: string; message: string };
}

describe.each(backends())("sign-in and the articles API (%s)", (backend) => {
  let store: ServerStore;
  let server: InProcessServer;
  let cookie: string;

  beforeAll(async () => {
    store = await createStore(backend);
    server = await startInProcessServer(store);
    cookie = await signIn(server.url, "yaoyuchao");
  });
  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  });

  it("seeds the demo newsroom: four accounts sign in with the demo password", async () => {
    for (const username of ["yaoyuchao", "xuweixiang", "zhoumi", "huhongye"]) {
      expect(await trySignIn(server.url, username, DEMO_PASSWORD), username).not.toBeNull();
    }
  });

  it("refuses a wrong password and an unknown user alike, with no session", async () => {
    expect(await trySignIn(server.url, "yaoyuchao", "wrong-password")).toBeNull();
    expect(await trySignIn(server.url, "nobody", DEMO_PASSWORD)).toBeNull();
  });

  it("answers 401 with the error shape to a request without a session", async () => {
    const { status, body } = await api<ApiError>(server.url, null, "GET", "/api/articles");
    expect(status).toBe(401);
    expect(body.error.code).toBe("not_signed_in");
    const forged = await api<ApiError>(server.url, "authjs.session-token=forged", "GET", "/api/articles");
    expect(forged.status).toBe(401);
  });

  it("creates an article, lists it with its byline, and returns it", async () => {
    const created = await api<{ id: string; title: string; state: string; byline: { name: string; label: string }[] }>(
      server.url,
      cookie,
      "POST",
      "/api/articles",
      { title: "接口新建的稿件" },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: "接口新建的稿件", state: "draft" });
    expect(created.body.byline).toEqual([expect.objectContaining({ name: "姚宇超", label: "记者" })]);

    const list = await api<{ articles: { id: string; title: string }[] }>(server.url, cookie, "GET", "/api/articles");
    expect(list.status).toBe(200);
    expect(list.body.articles.map((a) => a.id)).toContain(created.body.id);
    expect(list.body.articles.map((a) => a.title)).toContain("湘江边的社区书屋:一间老厂房里的夜读时光");

    const one = await api<{ id: string; content: { title: string; text: string } }>(
      server.url,
      cookie,
      "GET",
      `/api/articles/${created.body.id}`,
    );
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(created.body.id);
  });

  it("refuses bad input with 400 and creates nothing", async () => {
    const before = (await api<{ articles: unknown[] }>(server.url, cookie, "GET", "/api/articles")).body.articles.length;
    const tooLong = await api<ApiError>(server.url, cookie, "POST", "/api/articles", { title: "长".repeat(201) });
    expect(tooLong.status).toBe(400);
    const notText = await api<ApiError>(server.url, cookie, "POST", "/api/articles", { title: 42 });
    expect(notText.status).toBe(400);
    const notJson = await fetch(`${server.url}/api/articles`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: "{not json",
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as ApiError).error.code).toBe("bad_request");
    const after = (await api<{ articles: unknown[] }>(server.url, cookie, "GET", "/api/articles")).body.articles.length;
    expect(after).toBe(before);
  });

  it("refuses a cross-site POST (foreign Origin) with 403", async () => {
    const response = await fetch(`${server.url}/api/articles`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", origin: "https://evil.example" },
      body: JSON.stringify({ title: "跨站" }),
    });
    expect(response.status).toBe(403);
  });

  it("answers 404 for an unknown or malformed article id", async () => {
    expect((await api(server.url, cookie, "GET", "/api/articles/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await api(server.url, cookie, "GET", "/api/articles/not-an-id")).status).toBe(404);
  });

  it("never leaks a stack trace or the password hash", async () => {
    const list = await fetch(`${server.url}/api/articles`, { headers: { cookie } });
    const text = await list.text();
    expect(text).not.toMatch(/scrypt\$|password_hash|passwordHash/);
  });
});
