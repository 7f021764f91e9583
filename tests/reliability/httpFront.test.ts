import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/backends";
import { printBystanderFigures, startBystander } from "../support/bystander";
import { requestFrom, signInFrom } from "../support/fromAddress";
import { rssMb } from "../support/serverProbe";
import { callServerAction, serverActionIds } from "../support/serverActions";
import { api, createArticle, createTeamStory, signIn, trySignIn } from "../support/session";
import { createStore, DEMO_PASSWORD, startTestServer, type ServerStore, type TestServer } from "../support/testServer";

/**
 * Issue 10, the HTTP front: bodies are limited while they are read (attack 6), sign-in limits
 * are atomic and no lockout weapon (attack 7), redirects after sign-in stay on the site
 * (attack 8), and no page may be framed (13). One server per backend; every attack runs while
 * a colleague types in another story.
 */

const MiB = 1024 * 1024;
const AUTH_LIMIT = 16 * 1024;

/** What an oversize post got back, and how much of its body it had sent by then. */
interface OversizeAnswer {
  status: number;
  body: string;
  sentBytes: number;
}

/**
 * Posts a body of `totalBytes` (declared in Content-Length, or chunked when `chunked`), one MiB
 * at a time with backpressure, stopping as soon as the server answers.
 */
function postOversize(
  url: string,
  totalBytes: number,
  { chunked = false, headers = {} }: { chunked?: boolean; headers?: Record<string, string> } = {},
): Promise<OversizeAnswer> {
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const request = http.request(url, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers, ...(chunked ? {} : { "content-length": String(totalBytes) }) },
    });
    request.on("response", (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on("data", (c: Buffer) => chunks.push(c));
      response.on("end", () => {
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), sentBytes });
        request.destroy();
      });
    });
    request.on("error", (err) => {
      if (!answered) reject(new Error(`no answer after ${sentBytes} bytes: ${err.message}`));
    });
    const chunk = Buffer.alloc(MiB, "a");
    const writeMore = () => {
      while (!answered && sentBytes < totalBytes) {
        const part = chunk.subarray(0, Math.min(chunk.length, totalBytes - sentBytes));
        sentBytes += part.length;
        if (!request.write(part)) return void request.once("drain", writeMore);
      }
      if (!answered) request.end();
    };
    // A declared length is judged on the headers alone: send them, then the body.
    request.flushHeaders();
    setTimeout(writeMore, chunked ? 0 : 200);
  });
}

/** A small body sent chunked (no Content-Length), which the server must still hand over whole. */
function postChunkedJson(url: string, cookie: string, value: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", agent: false, headers: { cookie, "content-type": "application/json" } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (c: Buffer) => chunks.push(c));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    request.on("error", reject);
    const text = JSON.stringify(value);
    // Three writes: the server gets it in pieces, as a streamed upload would arrive.
    for (let i = 0; i < 3; i++) request.write(text.slice((i * text.length) / 3, ((i + 1) * text.length) / 3));
    request.end();
  });
}

function errorCode(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

/** Open redirects seen in the wild and in issue 10 (the values of `next` / `callbackUrl`). */
const REDIRECT_CORPUS = [
  "/\\evil.example/x",
  "/\t/evil.example",
  "/\n/evil.example",
  "//evil.example",
  "\\\\evil.example",
  "/%2F%2Fevil.example",
  "https://evil.example/",
  "javascript:alert(1)",
  "http://127.0.0.1.evil.example/",
  "/articles?from=next",
];

describe.each(backends())("the HTTP front (%s)", (backend) => {
  let store: ServerStore;
  let server: TestServer;
  let editor: string;
  let reporter: string;
  let bystanderStory: string;

  beforeAll(async () => {
    store = await createStore(backend);
    server = await startTestServer(store);
    editor = await signIn(server.url, "huhongye");
    reporter = await signIn(server.url, "yaoyuchao");
    bystanderStory = await createTeamStory(server.url, editor, "隔壁稿件");
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  });

  const startColleague = () => startBystander(server, reporter, bystanderStory, { pid: server.process.pid! });

  it("refuses oversize bodies with 413 before reading them whole, on sign-in and the API, declared or chunked", async () => {
    const pid = server.process.pid!;
    const rssBefore = rssMb(pid);
    const colleague = await startColleague();
    const attack = () =>
      Promise.all([
        // Issue 10's attack: three 256 MiB sign-in posts without a session.
        Promise.all(Array.from({ length: 3 }, () => postOversize(`${server.url}/api/auth/callback/credentials`, 256 * MiB))),
        postOversize(`${server.url}/api/articles`, 64 * MiB, { headers: { cookie: editor, "content-type": "application/json" } }),
        postOversize(`${server.url}/api/auth/callback/credentials`, 256 * MiB, { chunked: true }),
        postOversize(`${server.url}/api/articles`, 256 * MiB, { chunked: true, headers: { cookie: editor, "content-type": "application/json" } }),
      ]);
    // Round after round for a few seconds, so the colleague types (and the probe asks) meanwhile.
    const rounds = [];
    const attackUntil = Date.now() + 5000;
    while (rounds.length < 10 || Date.now() < attackUntil) rounds.push(await attack());
    const [signIns, apiPost, chunkedSignIn, chunkedApi] = rounds[0];
    const rssAfter = rssMb(pid);
    const report = await colleague.stop();
    printBystanderFigures(`oversize bodies (${rounds.length} rounds of 3×256 MiB sign-in, 64 MiB API, chunked 256 MiB sign-in and API)`, report);
    console.log(
      `[figures] oversize bodies: RSS ${rssBefore.toFixed(0)} MB → ${rssAfter.toFixed(0)} MB; ` +
        `sent before the answer (first round): declared sign-in ${signIns.map((a) => a.sentBytes)} B, API ${apiPost.sentBytes} B, ` +
        `chunked sign-in ${chunkedSignIn.sentBytes} B, chunked API ${chunkedApi.sentBytes} B`,
    );

    for (const answer of rounds.flatMap(([declared, ...rest]) => [...declared, ...rest])) {
      expect(answer.status).toBe(413);
      expect(errorCode(answer.body)).toBe("payload_too_large");
    }
    // A chunked body is refused once it passes the limit, long before its end.
    expect(chunkedSignIn.sentBytes).toBeLessThan(64 * MiB);
    expect(chunkedApi.sentBytes).toBeLessThan(64 * MiB);
    expect(report.allSaved).toBe(true);
    expect(report.answered).toBeGreaterThan(0);

    // Bodies within the limits still arrive whole: sign-in, JSON posts (declared and chunked),
    // a server action (multipart), and the colleague's next edit is saved.
    const again = await signIn(server.url, "zhoumi");
    const created = await createArticle(server.url, again, "限额之内");
    const chunkedCreate = await postChunkedJson(`${server.url}/api/articles`, editor, { title: `分块${"长".repeat(150)}` });
    expect(chunkedCreate.status).toBe(201);
    const read = await api<{ title: string }>(server.url, editor, "GET", `/api/articles/${(JSON.parse(chunkedCreate.body) as { id: string }).id}`);
    expect(read.body.title).toBe(`分块${"长".repeat(150)}`);
    const form = new FormData();
    form.set("title", "表单新建");
    const action = await callServerAction(server.url, "/", "createArticleAction", [{ error: null }, form], { cookie: editor });
    expect(action.redirect).toMatch(/^\/articles\/[^;]+/);
    expect(created).toBeTruthy();
    // Just over the auth limit is refused, just under it is not refused for size.
    const justOver = await postOversize(`${server.url}/api/auth/callback/credentials`, AUTH_LIMIT + 1);
    expect(justOver.status).toBe(413);
    const justUnder = await postOversize(`${server.url}/api/auth/callback/credentials`, AUTH_LIMIT);
    expect(justUnder.status).not.toBe(413); // read whole, then refused by Auth.js (no CSRF token)
    colleague.client.type("后");
    await expect.poll(() => colleague.client.isSaved(), { timeout: 30_000 }).toBe(true);
    colleague.client.destroy();
  }, 240_000);

  it("checks at most the limit of 200 concurrent wrong passwords, and the owner's proven device still signs in", async () => {
    // The owner signed in on her laptop before: it holds a proven-device cookie.
    const first = await signInFrom("127.0.0.77", server.url, "xuweixiang", DEMO_PASSWORD);
    const device = first.setCookies.find((c) => c.startsWith("newsroom.device="));
    expect(first.cookie).not.toBeNull();
    expect(device).toBeDefined();
    // An attacker with an account of her own holds a device cookie for that account only.
    const attackerDevice = (await signInFrom("127.0.0.78", server.url, "zhoumi", DEMO_PASSWORD)).setCookies.find((c) =>
      c.startsWith("newsroom.device="),
    );
    expect(attackerDevice).toBeDefined();

    const colleague = await startColleague();
    const guessing = Promise.all(
      Array.from({ length: 200 }, (_, i) => signInFrom(`127.0.1.${1 + (i % 20)}`, server.url, "xuweixiang", `wrong-${i}`)),
    );
    // The owner signs in on her device in the middle of the attack…
    const ownerDuring = await signInFrom("127.0.0.79", server.url, "xuweixiang", DEMO_PASSWORD, [device!]);
    const guesses = await guessing;
    const checked = guesses.filter((g) => g.status !== 429);
    const limited = guesses.filter((g) => g.status === 429);
    // …and again once the account is locked for everyone else…
    const owner = await signInFrom("127.0.0.79", server.url, "xuweixiang", DEMO_PASSWORD, [device!]);
    // …a device without the cookie does not, nor one proven for another account.
    const stranger = await signInFrom("127.0.0.80", server.url, "xuweixiang", DEMO_PASSWORD);
    const borrowed = await signInFrom("127.0.0.81", server.url, "xuweixiang", DEMO_PASSWORD, [attackerDevice!]);
    const report = await colleague.stop();
    printBystanderFigures("200 concurrent wrong passwords", report);
    console.log(
      `[figures] 200 concurrent wrong passwords from 20 addresses: ${checked.length} checked (limit 10), ${limited.length} answered 429; ` +
        `owner's proven device during → ${ownerDuring.cookie ? "signed in" : ownerDuring.status}, after → ${owner.cookie ? "signed in" : owner.status}, new device → ${stranger.status} (Retry-After ${stranger.retryAfter} s), ` +
        `device proven for another account → ${borrowed.status}`,
    );

    expect(checked.length).toBeLessThanOrEqual(10);
    expect(checked.every((g) => g.cookie === null)).toBe(true);
    expect(limited.length).toBeGreaterThanOrEqual(190);
    expect(limited.every((g) => errorCode(g.body) === "rate_limited" && (g.retryAfter ?? 0) > 0)).toBe(true);
    expect(ownerDuring.cookie).not.toBeNull();
    expect(owner.cookie).not.toBeNull();
    expect(stranger.status).toBe(429);
    expect(stranger.cookie).toBeNull();
    expect(borrowed.status).toBe(429);
    expect(report.allSaved).toBe(true);
    expect(report.answered).toBeGreaterThan(0);
    colleague.client.type("后");
    await expect.poll(() => colleague.client.isSaved(), { timeout: 30_000 }).toBe(true);
    colleague.client.destroy();
  }, 240_000);

  it("sends the browser only to paths on this site after sign-in, on every path that honours next/callbackUrl", async () => {
    const origin = server.url;
    const colleague = await startColleague();
    const ids = serverActionIds();
    const outcomes: string[] = [];
    const leaves = (location: string | null) => location !== null && new URL(location, origin).origin !== origin;
    for (const [i, next] of REDIRECT_CORPUS.entries()) {
      // Auth.js's HTTP flow with callbackUrl.
      const csrf = await requestFrom("127.0.0.90", `${origin}/api/auth/csrf`);
      const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
      const viaAuth = await requestFrom("127.0.0.90", `${origin}/api/auth/callback/credentials`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrf.setCookies.map((c) => c.split(";")[0]).join("; ") },
        body: new URLSearchParams({ csrfToken, username: "zhoumi", password: DEMO_PASSWORD, callbackUrl: next }).toString(),
      });
      const authLocation = typeof viaAuth.headers.location === "string" ? viaAuth.headers.location : null;
      // The login form's server action with `next`.
      const form = new FormData();
      form.set("username", "zhoumi");
      form.set("password", DEMO_PASSWORD);
      form.set("next", next);
      const viaAction = await callServerAction(origin, "/login", "signInAction", [{ error: null }, form], { ids });
      const actionLocation = viaAction.redirect?.split(";")[0] ?? null;
      // The login page itself, opened by someone already signed in.
      const page = await fetch(`${origin}/login?next=${encodeURIComponent(next)}`, { redirect: "manual", headers: { cookie: reporter } });
      const pageLocation = page.headers.get("location");
      outcomes.push(`${JSON.stringify(next)} → auth ${authLocation}, action ${actionLocation}, page ${pageLocation}`);
      expect(viaAuth.status, `${i} auth`).toBe(302);
      expect(authLocation).not.toBeNull();
      expect(actionLocation, `${i} action`).not.toBeNull();
      expect(pageLocation, `${i} page`).not.toBeNull();
      for (const location of [authLocation, actionLocation, pageLocation]) {
        expect(leaves(location), `${JSON.stringify(next)} → ${location}`).toBe(false);
        // Resolved as a browser would, and never a path a browser reads as another host.
        expect(new URL(location!, origin).pathname.startsWith("//")).toBe(false);
      }
    }
    // A genuine same-site target is kept.
    expect(outcomes.at(-1)).toContain("/articles?from=next");
    console.log(`[figures] redirect corpus after sign-in:\n  ${outcomes.join("\n  ")}`);
    const report = await colleague.stop();
    printBystanderFigures("redirect corpus", report);
    expect(report.allSaved).toBe(true);
    expect(report.answered).toBeGreaterThan(0);
    colleague.client.destroy();
  }, 240_000);

  it("forbids framing of the workbench's pages", async () => {
    const story = await createArticle(server.url, editor, "不许嵌入");
    for (const path of ["/", "/login", `/articles/${story}`, `/articles/${story}/history`, "/api/articles"]) {
      const response = await fetch(`${server.url}${path}`, { redirect: "manual", headers: path === "/login" ? {} : { cookie: editor } });
      expect(response.status, path).toBeLessThan(400);
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
      expect(response.headers.get("content-security-policy") ?? "", path).toContain("frame-ancestors 'none'");
    }
  }, 60_000);
});
