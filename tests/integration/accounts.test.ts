import { randomBytes } from "node:crypto";
import { authenticator } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { advanceClock, resetClock } from "../../server/clock";
import { backends } from "../support/backends";
import { connectClient, type CollabClient } from "../support/collabClient";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { addMembers, api, createArticle, signIn, trySignIn } from "../support/session";
import { createStore, DEMO_PASSWORD, type ServerStore } from "../support/testServer";
import { waitFor } from "../support/wait";

interface ApiError {
  error: { code: string; message: string };
}

interface Account {
  id: string;
  username: string;
  name: string;
  role: string;
  label: string;
  disabled: boolean;
  temporaryPassword?: string;
}

/** A password the rules take. */
const STRONG = "湘江夜读-书屋-2026";
/** A unique username for this run (tests share one server and may run alone). */
const uniqueName = (prefix: string) => `${prefix}${randomBytes(3).toString("hex")}`;

/** Signs in through Auth.js's credentials flow with a second-factor code; the session cookie or null. */
async function trySignInWithCode(baseUrl: string, username: string, password: string, code: string): Promise<string | null> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") },
    body: new URLSearchParams({ csrfToken, username, password, code }),
  });
  const session = response.headers.getSetCookie().find((c) => c.startsWith("authjs.session-token="));
  return session ? session.split(";")[0] : null;
}

/** The close code a live client's socket gets next. */
function nextClose(client: CollabClient): Promise<number> {
  return new Promise((resolve) => client.provider.once("connection-close", (event: CloseEvent | null) => resolve(event?.code ?? 0)));
}

/** Runs `body` with process.env[name] set (the in-process server reads its account settings at call time). */
async function withSetting<T>(name: string, value: string, body: () => Promise<T>): Promise<T> {
  const previous = process.env[name];
  process.env[name] = value;
  try {
    return await body();
  } finally {
    if (previous === undefined) delete process.env[name];
    else process.env[name] = previous;
  }
}

describe.each(backends())("accounts: admin console API, own password, sessions (%s)", (backend) => {
  let store: ServerStore;
  let server: InProcessServer;
  let adminCookie: string;
  const clients: CollabClient[] = [];

  beforeAll(async () => {
    store = await createStore(backend);
    server = await startInProcessServer(store);
    adminCookie = await signIn(server.url, "admin");
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    resetClock();
    await server?.stop();
    await store?.dispose();
  });

  const createAccount = async (fields: Partial<{ username: string; name: string; role: string; label: string; password: string }> = {}) => {
    const created = await api<Account>(server.url, adminCookie, "POST", "/api/admin/users", {
      username: uniqueName("r"),
      name: "新同事",
      role: "reporter",
      password: STRONG,
      ...fields,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body;
  };
  const live = (client: CollabClient) => {
    clients.push(client);
    return client;
  };

  it("an admin creates a reporter who signs in and co-writes a story", async () => {
    const username = uniqueName("reporter");
    const account = await createAccount({ username, name: "李新", label: "通讯员" });
    expect(account).toMatchObject({ username, name: "李新", role: "reporter", label: "通讯员", disabled: false });
    expect(account).not.toHaveProperty("passwordHash");

    const newcomer = await signIn(server.url, username, STRONG);
    const yao = await signIn(server.url, "yaoyuchao");
    const id = await createArticle(server.url, adminCookie, "新同事的第一篇稿子");
    await addMembers(server.url, adminCookie, id, ["yaoyuchao", username]);

    const mine = live(connectClient(server.url, id, newcomer));
    const theirs = live(connectClient(server.url, id, yao));
    await Promise.all([mine.waitSynced(), theirs.waitSynced()]);
    mine.type("新同事写下的第一句。");
    theirs.type("老记者补上一句。");
    await waitFor(() => mine.bodyText().includes("老记者补上一句") && theirs.bodyText().includes("新同事写下的第一句"), {
      message: "both edits on both clients",
    });
    await Promise.all([mine.waitSaved(), theirs.waitSaved()]);
  });

  it("a non-admin gets 403 on every admin route and on the console page; nobody signed in gets 401", async () => {
    const target = await createAccount();
    for (const username of ["yaoyuchao", "huhongye"]) {
      const cookie = await signIn(server.url, username);
      const calls = [
        await api<ApiError>(server.url, cookie, "GET", "/api/admin/users"),
        await api<ApiError>(server.url, cookie, "POST", "/api/admin/users", { username: uniqueName("x"), name: "某人", role: "admin", password: STRONG }),
        await api<ApiError>(server.url, cookie, "PATCH", `/api/admin/users/${target.id}`, { role: "admin" }),
        await api<ApiError>(server.url, cookie, "POST", `/api/admin/users/${target.id}/reset`, { method: "temporary" }),
      ];
      for (const call of calls) {
        expect(call.status, username).toBe(403);
        expect(call.body.error.code).toBe("forbidden");
      }
      const page = await fetch(`${server.url}/admin`, { headers: { cookie }, redirect: "manual" });
      expect(page.status, `${username} on /admin`).toBe(403);
      expect(await page.text()).not.toContain(target.username);
    }
    expect((await api(server.url, null, "GET", "/api/admin/users")).status).toBe(401);
    expect((await api(server.url, null, "PATCH", `/api/admin/users/${target.id}`, { disabled: true })).status).toBe(401);
    const anonymous = await fetch(`${server.url}/admin`, { redirect: "manual" });
    expect(anonymous.headers.get("location")).toContain("/login");
    const unchanged = await api<{ users: Account[] }>(server.url, adminCookie, "GET", "/api/admin/users");
    expect(unchanged.body.users.find((u) => u.id === target.id)).toMatchObject({ role: "reporter", disabled: false });
  });

  it("the console lists the accounts and the account audit log", async () => {
    const account = await createAccount({ name: "审计对象" });
    await api(server.url, adminCookie, "PATCH", `/api/admin/users/${account.id}`, { name: "改过名的人" });
    const html = await (await fetch(`${server.url}/admin`, { headers: { cookie: adminCookie } })).text();
    expect(html).toContain(account.username);
    expect(html).toContain("创建账号");
    expect(html).toContain("审计对象 → 改过名的人");
  });

  it("disabling closes the person's open socket at once and refuses the next sign-in", async () => {
    const account = await createAccount();
    const cookie = await signIn(server.url, account.username, STRONG);
    const id = await createArticle(server.url, adminCookie, "停用测试");
    const client = live(connectClient(server.url, id, cookie));
    await client.waitSynced();
    const closed = nextClose(client);

    const disabled = await api<Account>(server.url, adminCookie, "PATCH", `/api/admin/users/${account.id}`, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);
    // The periodic re-check runs every 30 s; the socket must close well before that.
    expect(await Promise.race([closed, new Promise((resolve) => setTimeout(() => resolve("still open"), 10_000))])).toBe(4401);
    client.provider.disconnect();
    expect(await trySignIn(server.url, account.username, STRONG)).toBeNull();
    expect((await api(server.url, cookie, "GET", "/api/articles")).status).toBe(401);

    await api(server.url, adminCookie, "PATCH", `/api/admin/users/${account.id}`, { disabled: false });
    expect(await trySignIn(server.url, account.username, STRONG)).not.toBeNull();
  });

  it("a change of role signs the person out everywhere, so no open socket keeps the old rights", async () => {
    const account = await createAccount({ role: "editor" });
    const cookie = await signIn(server.url, account.username, STRONG);
    const id = await createArticle(server.url, adminCookie, "改角色");
    const client = live(connectClient(server.url, id, cookie));
    await client.waitSynced();
    const closed = nextClose(client);
    expect((await api(server.url, adminCookie, "PATCH", `/api/admin/users/${account.id}`, { role: "reporter" })).status).toBe(200);
    expect(await Promise.race([closed, new Promise((resolve) => setTimeout(() => resolve("still open"), 10_000))])).toBe(4401);
    client.provider.disconnect();
    expect((await api(server.url, cookie, "GET", "/api/articles")).status).toBe(401);
  });

  it("the last enabled admin stays an admin, and nobody disables themselves", async () => {
    const { body: all } = await api<{ users: Account[] }>(server.url, adminCookie, "GET", "/api/admin/users");
    const self = all.users.find((u) => u.username === "admin")!;
    const second = await createAccount({ role: "admin" });

    const selfDisable = await api<ApiError>(server.url, adminCookie, "PATCH", `/api/admin/users/${self.id}`, { disabled: true });
    expect(selfDisable.status).toBe(409);
    expect(selfDisable.body.error.message).toContain("不能停用自己");

    expect((await api(server.url, adminCookie, "PATCH", `/api/admin/users/${second.id}`, { disabled: true })).status).toBe(200);
    // Other admins made by tests running before this one are disabled too: this one is the last.
    for (const other of all.users.filter((u) => u.role === "admin" && u.id !== self.id && !u.disabled)) {
      await api(server.url, adminCookie, "PATCH", `/api/admin/users/${other.id}`, { disabled: true });
    }
    const demote = await api<ApiError>(server.url, adminCookie, "PATCH", `/api/admin/users/${self.id}`, { role: "editor" });
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toContain("最后一个");
    const { body: after } = await api<{ users: Account[] }>(server.url, adminCookie, "GET", "/api/admin/users");
    expect(after.users.find((u) => u.id === self.id)).toMatchObject({ role: "admin", disabled: false });
  });

  it("a reset link works once and expires", async () => {
    const account = await createAccount();
    const reset = async () => {
      const answer = await api<{ link: string; expiresAt: string }>(server.url, adminCookie, "POST", `/api/admin/users/${account.id}/reset`, {});
      expect(answer.status).toBe(200);
      return new URL(answer.body.link).pathname.split("/").pop()!;
    };
    const token = await reset();
    expect(await (await fetch(`${server.url}/reset/${token}`)).text()).toContain(account.username);
    const weak = await api<ApiError>(server.url, null, "POST", "/api/account/reset", { token, next: "short" });
    expect(weak.status).toBe(400);

    const newPassword = "岳麓山下-秋读-新密码";
    expect((await api(server.url, null, "POST", "/api/account/reset", { token, next: newPassword })).status).toBe(200);
    expect((await api(server.url, null, "POST", "/api/account/reset", { token, next: "又一个新的密码-再试" })).status).toBe(404);
    expect(await trySignIn(server.url, account.username, newPassword)).not.toBeNull();
    expect(await trySignIn(server.url, account.username, STRONG)).toBeNull();

    const late = await reset();
    try {
      advanceClock(Number(process.env.ACCOUNT_RESET_LINK_TTL_MS ?? 3_600_000) + 1000);
      expect((await api(server.url, null, "POST", "/api/account/reset", { token: late, next: "过期之后的密码-不行" })).status).toBe(404);
      expect(await (await fetch(`${server.url}/reset/${late}`)).text()).toContain("无效或已过期");
    } finally {
      resetClock();
    }
    expect(await trySignIn(server.url, account.username, newPassword)).not.toBeNull();
  });

  it("a temporary password signs in only to choose a new one", async () => {
    const created = await api<Account>(server.url, adminCookie, "POST", "/api/admin/users", { username: uniqueName("t"), name: "临时工", role: "reporter" });
    expect(created.status).toBe(201);
    const temporary = created.body.temporaryPassword!;
    expect(temporary.length).toBeGreaterThanOrEqual(10);
    const cookie = await signIn(server.url, created.body.username, temporary);
    expect((await api(server.url, cookie, "GET", "/api/articles")).status).toBe(401);
    const home = await fetch(`${server.url}/login`, { headers: { cookie }, redirect: "manual" });
    expect(home.headers.get("location")).toContain("/account/password");
    // Nor over the collaboration socket: the admin who handed the password over cannot write
    // stories under this person's name there either.
    const story = await createArticle(server.url, adminCookie, "临时密码");
    const socket = live(connectClient(server.url, story, cookie));
    expect(await Promise.race([nextClose(socket), new Promise((resolve) => setTimeout(() => resolve("still open"), 10_000))])).toBe(4401);
    socket.provider.disconnect();

    expect((await api(server.url, cookie, "POST", "/api/account/password", { current: temporary, next: STRONG })).status).toBe(200);
    expect((await api(server.url, cookie, "GET", "/api/articles")).status).toBe(200);
  });

  it("a password change ends the other sessions and their sockets, not this one", async () => {
    const account = await createAccount();
    const here = await signIn(server.url, account.username, STRONG);
    const elsewhere = await signIn(server.url, account.username, STRONG);
    const id = await createArticle(server.url, adminCookie, "改密码测试");
    const client = live(connectClient(server.url, id, elsewhere));
    await client.waitSynced();
    const closed = nextClose(client);

    const wrong = await api<ApiError>(server.url, here, "POST", "/api/account/password", { current: "不是这个密码-不是", next: "全新的密码-湘江边的书屋" });
    expect(wrong.status).toBe(403);
    const changed = await api(server.url, here, "POST", "/api/account/password", { current: STRONG, next: "全新的密码-湘江边的书屋" });
    expect(changed.status).toBe(200);
    expect(await closed).toBe(4401);
    client.provider.disconnect();
    expect((await api(server.url, elsewhere, "GET", "/api/articles")).status).toBe(401);
    expect((await api(server.url, here, "GET", "/api/articles")).status).toBe(200);
    expect(await trySignIn(server.url, account.username, "全新的密码-湘江边的书屋")).not.toBeNull();
  });

  it("weak passwords are refused with 400: short, the username, a common one", async () => {
    const account = await createAccount();
    const cookie = await signIn(server.url, account.username, STRONG);
    for (const next of ["short-pw", `${account.username}-2026-x`, "1q2w3e4r5t", "aaaaaaaaaaaa"]) {
      const answer = await api<ApiError>(server.url, cookie, "POST", "/api/account/password", { current: STRONG, next });
      expect(answer.status, next).toBe(400);
    }
    const weakCreate = await api<ApiError>(server.url, adminCookie, "POST", "/api/admin/users", {
      username: uniqueName("w"),
      name: "弱密码",
      role: "reporter",
      password: "password123",
    });
    expect(weakCreate.status).toBe(400);
    expect(await trySignIn(server.url, account.username, STRONG)).not.toBeNull();
  });

  it("duplicate usernames are 409; unknown fields and bad values are 400, and change nothing", async () => {
    const account = await createAccount();
    const duplicate = await api<ApiError>(server.url, adminCookie, "POST", "/api/admin/users", {
      username: account.username,
      name: "重名",
      role: "editor",
      password: STRONG,
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe("conflict");

    const refusedCreates = [
      { username: uniqueName("u"), name: "多字段", role: "reporter", password: STRONG, isAdmin: true },
      { username: "Bad Name", name: "坏名字", role: "reporter", password: STRONG },
      { username: uniqueName("u"), name: "坏角色", role: "owner", password: STRONG },
      { username: uniqueName("u"), name: "坏标签", role: "editor", label: "记者", password: STRONG },
    ];
    for (const body of refusedCreates) {
      const answer = await api<ApiError>(server.url, adminCookie, "POST", "/api/admin/users", body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
    }
    const unknownPatch = await api<ApiError>(server.url, adminCookie, "PATCH", `/api/admin/users/${account.id}`, { role: "editor", passwordHash: "x" });
    expect(unknownPatch.status).toBe(400);
    expect(unknownPatch.body.error.code).toBe("invalid_request");
    const unknownReset = await api(server.url, adminCookie, "POST", `/api/admin/users/${account.id}/reset`, { method: "link", to: "x" });
    expect(unknownReset.status).toBe(400);
    const unknownChange = await api(server.url, adminCookie, "POST", "/api/account/password", { current: "x", next: "y", also: 1 });
    expect(unknownChange.status).toBe(400);

    const { body } = await api<{ users: Account[] }>(server.url, adminCookie, "GET", "/api/admin/users");
    expect(body.users.find((u) => u.id === account.id)).toMatchObject({ role: "reporter", name: "新同事" });
    expect(body.users.map((u) => u.name)).not.toContain("多字段");
    expect((await api(server.url, adminCookie, "PATCH", "/api/admin/users/not-an-id", { name: "某" })).status).toBe(404);
  });

  it("past ACCOUNTS_MAX a new account is refused with 409", async () => {
    const { body } = await api<{ users: Account[] }>(server.url, adminCookie, "GET", "/api/admin/users");
    await withSetting("ACCOUNTS_MAX", String(body.users.length), async () => {
      const refused = await api<ApiError>(server.url, adminCookie, "POST", "/api/admin/users", {
        username: uniqueName("m"),
        name: "多出来的",
        role: "reporter",
        password: STRONG,
      });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain("ACCOUNTS_MAX");
    });
  });

  it("/account lists recent sign-ins (time, address, device), at most ACCOUNT_RECENT_SIGN_INS", async () => {
    const account = await createAccount();
    let cookie = "";
    for (let i = 0; i < 3; i++) cookie = await signIn(server.url, account.username, STRONG);
    const html = await withSetting("ACCOUNT_RECENT_SIGN_INS", "2", async () =>
      (await fetch(`${server.url}/account`, { headers: { cookie, "user-agent": "NewsroomTestBrowser/1.0" } })).text(),
    );
    const table = html.slice(html.indexOf('data-testid="recent-sign-ins"'), html.indexOf("</table>", html.indexOf('data-testid="recent-sign-ins"')));
    expect(table.match(/<tr>/g)?.length).toBe(1 + 2); // header row + the two newest
    expect(table).toContain("127.0.0.1");
    expect(table).toContain("node");
  });

  it("sign out everywhere ends every session of the account", async () => {
    const account = await createAccount();
    const first = await signIn(server.url, account.username, STRONG);
    const second = await signIn(server.url, account.username, STRONG);
    const everywhere = await fetch(`${server.url}/api/account/sessions`, {
      method: "DELETE",
      headers: { cookie: first, "content-type": "application/json" },
      body: "{}",
    });
    expect(everywhere.status).toBe(200);
    // This browser is signed out too: its cached router payloads are dropped.
    expect(everywhere.headers.get("clear-site-data")).toBe('"cache"');
    expect((await api(server.url, first, "GET", "/api/articles")).status).toBe(401);
    expect((await api(server.url, second, "GET", "/api/articles")).status).toBe(401);
    expect(await trySignIn(server.url, account.username, STRONG)).not.toBeNull();
  });

  it("a second factor (TOTP) is asked at sign-in once turned on; ADMIN_REQUIRE_TOTP keeps an admin without one out of the console", async () => {
    const account = await createAccount();
    const cookie = await signIn(server.url, account.username, STRONG);
    const secret = authenticator.generateSecret(20);
    const notTheCode = (code: string) => (code === "000000" ? "111111" : "000000");
    const wrong = await api<ApiError>(server.url, cookie, "POST", "/api/account/totp", { secret, code: notTheCode(authenticator.generate(secret)) });
    expect(wrong.status).toBe(400);
    expect((await api(server.url, cookie, "POST", "/api/account/totp", { secret, code: authenticator.generate(secret) })).status).toBe(200);

    expect(await trySignIn(server.url, account.username, STRONG)).toBeNull();
    expect(await trySignInWithCode(server.url, account.username, STRONG, notTheCode(authenticator.generate(secret)))).toBeNull();
    expect(await trySignInWithCode(server.url, account.username, STRONG, authenticator.generate(secret))).not.toBeNull();

    await withSetting("ADMIN_REQUIRE_TOTP", "1", async () => {
      const refused = await api<ApiError>(server.url, adminCookie, "GET", "/api/admin/users");
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain("两步验证");
      const page = await fetch(`${server.url}/admin`, { headers: { cookie: adminCookie }, redirect: "manual" });
      expect(page.headers.get("location")).toContain("/account");
      // Nor may it change accounts meanwhile.
      const create = await api(server.url, adminCookie, "POST", "/api/admin/users", { username: uniqueName("a"), name: "某人", role: "reporter", password: STRONG });
      expect(create.status).toBe(403);
    });
    expect((await api(server.url, adminCookie, "GET", "/api/admin/users")).status).toBe(200);
  });

  it("PASSWORD_SIGN_IN=0 turns password sign-in off: the form is gone and the credentials callback signs nobody in", async () => {
    await withSetting("PASSWORD_SIGN_IN", "0", async () => {
      expect(await trySignIn(server.url, "yaoyuchao", DEMO_PASSWORD)).toBeNull();
      expect(await (await fetch(`${server.url}/login`)).text()).not.toContain('name="password"');
    });
    expect(await trySignIn(server.url, "yaoyuchao", DEMO_PASSWORD)).not.toBeNull();
  });
});
