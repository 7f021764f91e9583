import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { advanceClock, resetClock } from "../../server/clock";
import { rawConnect } from "../support/collabClient";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { createTeamStory, signIn, trySignIn } from "../support/session";
import { createStore, DEMO_PASSWORD, type ServerStore } from "../support/testServer";

/** The sign-in window here; the clock is moved past it rather than waited out. */
const SIGN_IN_WINDOW_MS = 20_000;

describe("limits that keep one account or one address from hurting everyone", () => {
  let store: ServerStore;
  let server: InProcessServer;

  beforeAll(async () => {
    store = await createStore("pglite");
    server = await startInProcessServer(store, { COLLAB_MAX_CONNECTIONS_PER_USER: "3", SIGN_IN_LIMIT_WINDOW_MS: String(SIGN_IN_WINDOW_MS) });
  });
  afterAll(async () => {
    resetClock();
    await server?.stop();
    await store?.dispose();
  });

  it("refuses an account's connections past its limit with 4429, before any story byte", async () => {
    const cookie = await signIn(server.url, "zhoumi");
    const id = await createTeamStory(server.url, await signIn(server.url, "huhongye"));
    const url = `${server.url.replace("http", "ws")}/collab/${id}`;
    const held = [1, 2, 3].map(() => rawConnect(url, { cookie }, { waitMs: 1500 }));
    await new Promise((r) => setTimeout(r, 500));
    const refused = await rawConnect(url, { cookie }, { waitMs: 1000 });
    expect(refused.closeCode).toBe(4429);
    expect(refused.messages).toHaveLength(0);
    for (const outcome of await Promise.all(held)) expect(outcome.messages.length).toBeGreaterThan(0);
    // Another account is not affected.
    const other = await rawConnect(url, { cookie: await signIn(server.url, "yaoyuchao") }, { waitMs: 800 });
    expect(other.messages.length).toBeGreaterThan(0);
  });

  it("answers repeated wrong passwords with 429 and Retry-After, and lets the account in later", async () => {
    for (let i = 0; i < 10; i++) expect(await trySignIn(server.url, "xuweixiang", `wrong-${i}`)).toBeNull();
    const csrf = await fetch(`${server.url}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const limited = await fetch(`${server.url}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({ csrfToken, username: "xuweixiang", password: DEMO_PASSWORD }),
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    // Even the right password waits out the window; other accounts sign in as usual.
    expect(await trySignIn(server.url, "xuweixiang", DEMO_PASSWORD)).toBeNull();
    expect(await trySignIn(server.url, "zhoumi", DEMO_PASSWORD)).not.toBeNull();
    // Once the failures leave the window (20 s here, 15 min by default) the user gets in: the
    // server's clock is moved past it (server/clock.ts) instead of waiting it out.
    advanceClock(SIGN_IN_WINDOW_MS + 1_000);
    expect(await trySignIn(server.url, "xuweixiang", DEMO_PASSWORD)).not.toBeNull();
  });
});
