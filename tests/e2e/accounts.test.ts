import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowser, EVENTUALLY, launchBrowser, personContext, signInPage } from "../support/browser";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { freePort, startOidcServer, type OidcServer } from "../support/oidcServer";
import { createStore, DEMO_PASSWORD, type ServerStore } from "../support/testServer";

/** A deadline for what a person would see on the slow shared machine, not a timing claim. */

describeInBrowser("accounts in real browsers: the admin console, a forced password change, single sign-on", () => {
  let store: ServerStore;
  let server: InProcessServer;
  let oidc: OidcServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // The identity provider registers the workbench's callback before the workbench starts.
    const appPort = await freePort();
    oidc = await startOidcServer(`http://127.0.0.1:${appPort}`, {
      "yao.sso": { preferred_username: "yaoyuchao", name: "姚宇超(统一认证)", email: "yao@example.org" },
      "li.sso": { preferred_username: "lixinren", name: "李新人" },
    });
    store = await createStore("pglite");
    server = await startInProcessServer(store, {
      PORT: String(appPort),
      OIDC_ISSUER: oidc.issuer,
      OIDC_CLIENT_ID: oidc.clientId,
      OIDC_CLIENT_SECRET: oidc.clientSecret,
      OIDC_NAME: "测试身份源",
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    await store?.dispose();
    await oidc?.stop();
  });

  async function newContext(): Promise<BrowserContext> {
    const context = await personContext(browser);
    contexts.push(context);
    return context;
  }

  /** The password form of the login page, filled and sent; the caller waits for where it lands. */
  async function submitPassword(page: Page, username: string, password: string): Promise<void> {
    await page.goto(`${server.url}/login`);
    await page.locator('input[name="username"]').fill(username);
    await page.locator('input[name="password"]').fill(password);
    await page.getByRole("button", { name: "登录", exact: true }).click();
  }

  it("the admin adds a colleague in the console; the colleague signs in with the temporary password and must set a new one", async () => {
    const admin = await signInPage(await newContext(), server.url, "admin", DEMO_PASSWORD);
    await admin.getByRole("link", { name: "系统管理" }).click();
    await admin.getByRole("heading", { name: "系统管理" }).waitFor();

    const username = `colleague${Date.now().toString(36)}`;
    const form = admin.getByTestId("new-account-form");
    await form.getByLabel("用户名").fill(username);
    await form.getByLabel("姓名").fill("王晓岚");
    await form.getByLabel("署名标签").selectOption("通讯员");
    await form.getByRole("button", { name: "创建账号" }).click();
    const temporary = (await admin.getByTestId("temporary-password").innerText()).trim();
    expect(temporary.length).toBeGreaterThanOrEqual(10);
    const row = admin.locator(`tr[data-username="${username}"]`);
    await expect.poll(() => row.getByTestId("account-state").innerText(), EVENTUALLY).toBe("待改密码");
    await expect.poll(() => admin.getByTestId("account-audit").innerText(), EVENTUALLY).toContain(username);

    const colleague = await (await newContext()).newPage();
    await submitPassword(colleague, username, temporary);
    await colleague.waitForURL((url) => url.pathname === "/account/password");
    await colleague.getByRole("heading", { name: "设置新密码" }).waitFor();
    // Nothing else opens before the new password is set.
    await colleague.goto(`${server.url}/`);
    await colleague.waitForURL((url) => url.pathname === "/account/password");

    const newPassword = "王晓岚的新密码-长沙";
    await colleague.getByLabel("当前密码").fill(temporary);
    await colleague.getByLabel("新密码（至少 10 个字符）").fill("short");
    await colleague.getByLabel("再次输入新密码").fill("short");
    await colleague.getByRole("button", { name: "修改密码" }).click();
    await expect.poll(() => colleague.locator("p[role=alert]").innerText(), EVENTUALLY).toContain("至少需要 10 个字符");

    await colleague.getByLabel("新密码（至少 10 个字符）").fill(newPassword);
    await colleague.getByLabel("再次输入新密码").fill(newPassword);
    await colleague.getByRole("button", { name: "修改密码" }).click();
    await colleague.getByRole("heading", { name: "稿件", exact: true }).waitFor();
    expect(await colleague.getByTestId("signed-in-user").innerText()).toContain("王晓岚");

    await admin.reload();
    await expect.poll(() => admin.locator(`tr[data-username="${username}"]`).getByTestId("account-state").innerText(), EVENTUALLY).toBe("启用");
  });

  /** A fresh browser through the login page's single sign-on button and the provider's own pages. */
  async function ssoSignIn(login: string): Promise<Page> {
    const page = await (await newContext()).newPage();
    await page.goto(`${server.url}/login`);
    await page.getByRole("button", { name: "使用测试身份源登录" }).click();
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill("anything");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    return page;
  }

  it("single sign-on through the identity provider's login page lands on the dashboard as the mapped account; an unknown person is refused unless OIDC_AUTO_CREATE=reporter", async () => {
    // The identity provider's own sign-in page (oidc-provider's development interaction).
    const page = await ssoSignIn("yao.sso");
    await page.waitForURL((url) => url.origin === server.url && url.pathname === "/");
    await page.getByRole("heading", { name: "稿件", exact: true }).waitFor();
    // The newsroom's account, not the name the identity provider sent.
    expect(await page.getByTestId("signed-in-user").innerText()).toBe("姚宇超（记者）");

    // Someone the identity provider knows but the newsroom does not: refused, unless
    // OIDC_AUTO_CREATE=reporter (read at each sign-in) gives them a reporter's account.
    const stranger = await ssoSignIn("li.sso");
    await stranger.waitForURL((url) => url.origin === server.url && url.pathname === "/login");
    await expect.poll(() => stranger.locator("p[role=alert]").innerText(), EVENTUALLY).toContain("没有对应的编辑部账号");

    process.env.OIDC_AUTO_CREATE = "reporter";
    try {
      const newcomer = await ssoSignIn("li.sso");
      await newcomer.waitForURL((url) => url.origin === server.url && url.pathname === "/");
      await newcomer.getByRole("heading", { name: "稿件", exact: true }).waitFor();
      expect(await newcomer.getByTestId("signed-in-user").innerText()).toBe("李新人（记者）");
    } finally {
      delete process.env.OIDC_AUTO_CREATE;
    }
  });
});
