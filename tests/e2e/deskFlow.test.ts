import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, expect, it } from "vitest";
import { advanceClock, resetClock } from "../../server/clock";
import { describeInBrowser, EVENTUALLY, launchBrowser, personContext, signInPage, text } from "../support/browser";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { connectClient } from "../support/collabClient";
import { api, createArticle, createTeamStory, signIn } from "../support/session";
import { createStore, DEMO_PASSWORD, PROJECT_ROOT, type ServerStore } from "../support/testServer";

const SCREENSHOTS = path.join(PROJECT_ROOT, ".tmp", "screenshots");
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

const shown = (locator: Locator) => locator.isVisible();

/** Saves what the person sees (not committed: `.tmp/` is ignored). */
async function snap(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `desk-flow-${name}.png`), fullPage: false });
}

describeInBrowser("the desk's daily tools in a real browser", () => {
  let store: ServerStore;
  let server: InProcessServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** API sessions (separate from the browsers') to set the scene quickly. */
  const cookie: Record<string, string> = {};

  const signedIn = new Map<string, Page>();

  /**
   * A signed-in page for `username` at `viewport`: one browser context per person and size (its
   * own cookies and tabs), signed in once for the whole file to keep it cheap.
   */
  async function personPage(username: string, viewport = DESKTOP): Promise<Page> {
    const key = `${username}@${viewport.width}`;
    const known = signedIn.get(key);
    if (known && !known.isClosed()) return known;
    const page = await freshPersonPage(username, viewport);
    signedIn.set(key, page);
    return page;
  }

  async function freshPersonPage(username: string, viewport: { width: number; height: number }): Promise<Page> {
    const context = await personContext(browser, { viewport });
    contexts.push(context);
    return signInPage(context, server.url, username, DEMO_PASSWORD);
  }

  const transition = (user: string, id: string, action: string, extra: Record<string, unknown> = {}) =>
    api(server.url, cookie[user], "POST", `/api/articles/${id}/transitions`, { action, ...extra });

  /** A story by the editor with the reporters on it and a first paragraph written live. */
  async function writtenStory(title: string, paragraph: string): Promise<string> {
    const id = await createTeamStory(server.url, cookie.huhongye, title);
    const writer = connectClient(server.url, id, cookie.yaoyuchao);
    try {
      await writer.waitSynced();
      writer.type(paragraph);
      await writer.waitSaved();
    } finally {
      writer.destroy();
    }
    return id;
  }

  /** A written story, submitted and approved. */
  async function approvedStory(title: string): Promise<string> {
    const id = await writtenStory(title, `${title}：记者在现场看到，市民们早早排起了长队。`);
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);
    expect((await transition("huhongye", id, "approve")).status).toBe(200);
    return id;
  }

  beforeAll(async () => {
    store = await createStore("pglite");
    server = await startInProcessServer(store, {
      SCHEDULED_PUBLISH_POLL_MS: "200",
      PUBLIC_URL: "https://news.example.com",
      // Quick enough that waiting for presence and the dashboard takes seconds (the defaults: 2 s
      // pings, 15 s). Emulated offline (setOffline) does not silence the socket: Chromium still
      // answers the server's pings below the emulation, so the offline test's colleague sees the
      // person go when the browser drops the socket (about 17 s), whatever the ping interval.
      COLLAB_PING_INTERVAL_MS: "1000",
      DASHBOARD_REFRESH_MS: "1000",
      CONTRIBUTIONS_REFRESH_MS: "1000",
    });
    browser = await launchBrowser();
    for (const user of ["yaoyuchao", "xuweixiang", "zhoumi", "huhongye"]) cookie[user] = await signIn(server.url, user);
  });

  afterAll(async () => {
    resetClock();
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.stop();
    await store?.dispose();
  });

  it("searches the dashboard by a Chinese phrase and by state; dates read 11月27日 21:24", async () => {
    await createArticle(server.url, cookie.yaoyuchao, "橘子洲头的冬泳队");
    await createArticle(server.url, cookie.yaoyuchao, "湘江夜跑的年轻人");
    const page = await personPage("yaoyuchao");
    await page.getByRole("searchbox", { name: "搜索标题或正文" }).fill("冬泳");
    await page.getByRole("button", { name: "搜索", exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get("q") === "冬泳");
    await expect.poll(() => text(page.getByTestId("search-count")), EVENTUALLY).toBe("找到 1 篇稿件");
    expect(await shown(page.getByRole("link", { name: "橘子洲头的冬泳队" }))).toBe(true);
    expect(await shown(page.getByRole("link", { name: "湘江夜跑的年轻人" }))).toBe(false);
    const dates = await page.locator(".card .meta").allInnerTexts();
    expect(dates.some((d) => /^\d{1,2}月\d{1,2}日 \d{2}:\d{2}/.test(d))).toBe(true);
    expect(await page.title()).toBe("稿件 · 红网编辑台");
    await snap(page, "search-1366");

    await page.getByRole("combobox", { name: "按状态筛选" }).selectOption("published");
    await page.getByRole("button", { name: "搜索", exact: true }).click();
    await expect.poll(() => text(page.getByTestId("search-count")), EVENTUALLY).toBe("找到 0 篇稿件");
  });

  it("rings the bell live when a colleague adds me to a byline, and marks it read", async () => {
    const page = await personPage("zhoumi");
    const bell = page.getByTestId("notification-bell");
    await bell.waitFor();
    const before = (await shown(page.getByTestId("notification-count"))) ? Number(await text(page.getByTestId("notification-count"))) : 0;
    const id = await createArticle(server.url, cookie.yaoyuchao, "铜官窑的年轻匠人");
    expect((await api(server.url, cookie.yaoyuchao, "POST", `/api/articles/${id}/members`, { username: "zhoumi" })).status).toBe(200);
    // No reload: the stream brings it.
    await expect.poll(() => text(page.getByTestId("notification-count")).catch(() => "0"), EVENTUALLY).toBe(String(before + 1));
    await bell.click();
    const panel = page.getByTestId("notification-panel");
    await expect.poll(() => text(panel), EVENTUALLY).toContain("姚宇超把你加入了《铜官窑的年轻匠人》的署名");
    await snap(page, "notification-1366");
    await page.getByRole("button", { name: "全部标为已读" }).click();
    await expect.poll(() => shown(page.getByTestId("notification-count")), EVENTUALLY).toBe(false);
    await panel.getByRole("link", { name: /铜官窑的年轻匠人/ }).click();
    await page.waitForURL(`**/articles/${id}`);
  });

  it("lets the reporter who started a story add a colleague from the byline panel", async () => {
    const id = await createArticle(server.url, cookie.yaoyuchao, "浏阳河畔的烟花工厂");
    const page = await personPage("yaoyuchao");
    await page.goto(`${server.url}/articles/${id}`);
    await page.getByRole("combobox", { name: "添加署名" }).selectOption("xuweixiang");
    await page.getByRole("button", { name: "添加署名" }).click();
    await expect.poll(() => text(page.getByTestId("byline")), EVENTUALLY).toContain("徐卫香");
    // Ordering is the reporter's too; taking someone off is the desk's.
    expect(await shown(page.getByRole("button", { name: "上移 徐卫香" }))).toBe(true);
    expect(await shown(page.getByRole("button", { name: "移除 徐卫香" }))).toBe(false);
    expect(await page.title()).toBe("浏阳河畔的烟花工厂 · 红网编辑台");
    await snap(page, "byline-by-reporter-1366");
  });

  it("tells a colleague why a story is read-only, lets them ask to join, and keeps 显示作者 clickable", async () => {
    const id = await createArticle(server.url, cookie.yaoyuchao, "南岳衡山的云海");
    const page = await personPage("zhoumi");
    await page.goto(`${server.url}/articles/${id}`);
    await expect.poll(() => text(page.getByTestId("read-only-reason")), EVENTUALLY).toBe("你不在这篇稿件的署名中");
    await page.getByTestId("show-authors").click();
    expect(await page.getByTestId("show-authors").isChecked()).toBe(true);
    await page.getByTestId("ask-to-join").click();
    await expect.poll(() => text(page.getByTestId("ask-to-join-answer")), EVENTUALLY).toBe("已通知署名成员和编辑");
    await snap(page, "read-only-reason-1366");
    const inbox = await api<{ notifications: { message: string }[] }>(server.url, cookie.yaoyuchao, "GET", "/api/notifications");
    expect(inbox.body.notifications.map((n) => n.message)).toContain("周汨请求加入《南岳衡山的云海》的署名");

    const submitted = await createTeamStory(server.url, cookie.huhongye, "待审的稿件");
    await transition("yaoyuchao", submitted, "submit");
    const reporter = await personPage("yaoyuchao");
    await reporter.goto(`${server.url}/articles/${submitted}`);
    await expect.poll(() => text(reporter.getByTestId("read-only-reason")), EVENTUALLY).toBe("稿件待审，只读");
  });

  it("schedules a publication from the page and publishes it when the clock gets there", async () => {
    const id = await approvedStory("定时发布的晨报");
    const page = await personPage("huhongye");
    await page.goto(`${server.url}/articles/${id}`);
    // Publishing now is not the red of 签发 and asks first.
    const publish = page.locator('[data-testid="workflow-panel"] button[data-action="publish"]');
    expect(await publish.evaluate((b) => getComputedStyle(b).backgroundColor)).not.toBe("rgb(185, 28, 28)");
    await page.getByRole("button", { name: "设为定时发布" }).click();
    await expect.poll(() => text(page.getByTestId("scheduled-at")), EVENTUALLY).toMatch(/^定时发布：\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
    await snap(page, "scheduled-1366");
    const reporter = await personPage("yaoyuchao");
    await reporter.goto(`${server.url}/articles/${id}`);
    await expect.poll(() => text(reporter.getByTestId("scheduled-at")), EVENTUALLY).toContain("定时发布：");
    expect(await shown(reporter.getByRole("button", { name: "取消定时发布" }))).toBe(false);

    advanceClock(2 * 3_600_000);
    try {
      await expect.poll(() => text(page.getByTestId("article-state")), EVENTUALLY).toBe("已发布");
      await expect.poll(() => shown(reporter.getByTestId("public-link")), EVENTUALLY).toBe(true);
    } finally {
      resetClock();
    }
  });

  it("fixes the rough edges on the public side: meta, og, canonical under PUBLIC_URL, feed, favicon, withdraw reason, republish", async () => {
    const id = await approvedStory("湘江新区的智能公交");
    const published = await transition("huhongye", id, "publish");
    const slug = (published.body as { slug: string }).slug;
    const reader = await (await browser.newContext({ viewport: PHONE })).newPage();
    contexts.push(reader.context());
    await reader.goto(`${server.url}/news/${slug}`);
    expect(await reader.locator('link[rel="canonical"]').getAttribute("href")).toBe(`https://news.example.com/news/${slug}`);
    expect(await reader.locator('meta[property="og:title"]').getAttribute("content")).toBe("湘江新区的智能公交");
    expect(await reader.locator('meta[name="description"]').count()).toBe(1);
    expect(await shown(reader.locator(".masthead"))).toBe(true);
    await snap(reader, "public-page-390");
    const feed = await (await fetch(`${server.url}/news/feed.xml`)).text();
    expect(feed).toContain(`https://news.example.com/news/${slug}`);
    expect(feed).not.toContain("127.0.0.1");
    const favicon = await fetch(`${server.url}/favicon.ico`);
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get("content-type")).toContain("image/svg+xml");

    // Withdrawal asks a reason on the page; readers see it; the desk can publish again.
    const editor = await personPage("huhongye");
    await editor.goto(`${server.url}/articles/${id}`);
    await editor.locator('[data-testid="workflow-panel"] button', { hasText: "撤稿" }).click();
    await editor.getByRole("textbox", { name: /撤稿原因/ }).fill("采访对象要求核实数据，暂时撤回");
    await editor.locator('[data-testid="workflow-panel"] button[data-action="withdraw"]').click();
    await expect.poll(() => text(editor.getByTestId("article-state")), EVENTUALLY).toBe("已撤稿");
    const gone = await reader.goto(`${server.url}/news/${slug}`);
    expect(gone?.status()).toBe(410);
    expect(await text(reader.getByTestId("withdraw-reason"))).toBe("撤稿说明：采访对象要求核实数据，暂时撤回");
    await snap(reader, "withdrawn-390");

    editor.once("dialog", (dialog) => void dialog.accept());
    await editor.locator('[data-testid="workflow-panel"] button[data-action="publish"]').click();
    await expect.poll(() => text(editor.getByTestId("article-state")), EVENTUALLY).toBe("已发布");
    expect((await reader.goto(`${server.url}/news/${slug}`))?.status()).toBe(200);
  });

  it("fixes the rough edges in the workbench: Chinese 404, sticky status, two-row toolbar at 390 px, restore success, sign-in link", async () => {
    // Its own context: this test signs the person out.
    const page = await freshPersonPage("yaoyuchao", PHONE);
    const missing = await page.goto(`${server.url}/articles/00000000-0000-4000-8000-000000000000`);
    expect(missing?.status()).toBe(404);
    expect(await text(page.getByTestId("not-found"))).toContain("没有找到这个页面");
    await page.goto(`${server.url}/no/such/page`);
    expect(await text(page.getByTestId("not-found"))).toContain("返回稿件列表");
    await snap(page, "not-found-390");

    const id = await createArticle(server.url, cookie.yaoyuchao, "长沙地铁六号线开通一周年");
    await page.goto(`${server.url}/articles/${id}`);
    const toolbar = page.getByRole("toolbar", { name: "格式" });
    await toolbar.waitFor();
    const rows = await toolbar.evaluate((bar) => new Set([...bar.querySelectorAll("button")].map((b) => b.getBoundingClientRect().top)).size);
    expect(rows).toBeLessThanOrEqual(2);
    // A long story: after scrolling down, the save status is still on screen.
    const body = page.getByTestId("body-editor");
    await body.click();
    for (let i = 0; i < 30; i++) await page.keyboard.press("Enter");
    await page.keyboard.type("最后一段");
    await page.mouse.wheel(0, 4000);
    await expect.poll(() => text(page.getByTestId("save-status")), EVENTUALLY).toBe("已保存");
    const status = await page.getByTestId("save-status").boundingBox();
    expect(status && status.y >= 0 && status.y < PHONE.height).toBe(true);
    await snap(page, "long-story-390");

    // Signed out in another tab: the editor says so and links back to the sign-in page.
    const other = await page.context().newPage();
    await other.goto(`${server.url}/`);
    await other.getByRole("button", { name: "退出登录" }).click();
    await other.waitForURL("**/login**");
    await expect.poll(() => shown(page.getByTestId("sign-in-again")), EVENTUALLY).toBe(true);
    expect(await page.getByTestId("sign-in-again").getAttribute("href")).toBe(`/login?next=${encodeURIComponent(`/articles/${id}`)}`);
    await snap(page, "signed-out-390");
  });

  it("keeps the dashboard current without a reload: who is writing, and a story entering 待审", async () => {
    const editor = await personPage("huhongye");
    await editor.goto(`${server.url}/`);
    const id = await writtenStory("仪表板实时更新", "记者在会场。");
    const card = editor.locator(`.board [data-article-id="${id}"]`);
    await expect.poll(() => card.count(), EVENTUALLY).toBe(1);

    const writer = connectClient(server.url, id, cookie.yaoyuchao);
    try {
      await writer.waitSynced();
      await expect.poll(() => text(card), EVENTUALLY).toContain("正在编辑：姚宇超");
    } finally {
      writer.destroy();
    }
    await expect.poll(() => text(card), EVENTUALLY).not.toContain("正在编辑");

    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);
    await expect.poll(() => editor.getByTestId("review-queue").locator(`[data-article-id="${id}"]`).count(), EVENTUALLY).toBe(1);
    await snap(editor, "dashboard-live");
  });

  it("keeps 写作贡献 current on an open story page while a colleague writes", async () => {
    const id = await writtenStory("贡献实时更新", "姚宇超写的第一段。");
    const editor = await personPage("huhongye");
    await editor.goto(`${server.url}/articles/${id}`);
    await expect.poll(() => text(editor.getByTestId("contributions")), EVENTUALLY).toContain("姚宇超");
    expect(await text(editor.getByTestId("contributions"))).not.toContain("徐卫香");

    const colleague = connectClient(server.url, id, cookie.xuweixiang);
    try {
      await colleague.waitSynced();
      colleague.type("徐卫香补充的内容。");
      await colleague.waitSaved();
    } finally {
      colleague.destroy();
    }
    await expect.poll(() => text(editor.getByTestId("contributions")), EVENTUALLY).toMatch(/徐卫香 \d+ 字/);
  });

  it("says 离线 as soon as the network goes, keeps the edits for later, and drops the person from colleagues' presence", async () => {
    const id = await writtenStory("断网时的现场报道", "记者在山区采访。");
    const colleague = await personPage("xuweixiang");
    await colleague.goto(`${server.url}/articles/${id}`);
    const field = await freshPersonPage("zhoumi", PHONE);
    await field.goto(`${server.url}/articles/${id}`);
    await expect.poll(() => text(colleague.getByTestId("presence")), EVENTUALLY).toContain("周汨");
    await expect.poll(() => text(field.getByTestId("save-status")), EVENTUALLY).toBe("已保存");

    const started = Date.now();
    await field.context().setOffline(true);
    await expect.poll(() => text(field.getByTestId("save-status")), EVENTUALLY).toBe("离线");
    console.log(`离线 shown ${Date.now() - started} ms after the network went`);
    await field.getByTestId("body-editor").click();
    await field.keyboard.press("End");
    await field.keyboard.type("山里没有信号。");
    await expect.poll(() => text(field.getByTestId("offline-notice")), EVENTUALLY).toContain("修改已保存在本机，联网后自动同步");
    await expect.poll(() => text(colleague.getByTestId("presence")), EVENTUALLY).not.toContain("周汨");
    console.log(`周汨 left the colleague's presence ${Date.now() - started} ms after the network went`);
    await snap(field, "offline-390");

    await field.context().setOffline(false);
    await expect.poll(() => text(field.getByTestId("save-status")), EVENTUALLY).toBe("已保存");
    await expect.poll(() => text(colleague.getByTestId("body-editor")), EVENTUALLY).toContain("山里没有信号。");
  });

  it("keeps offline edits on the device across a closed tab, sends them when the story is opened again, and forgets them at sign-out", async () => {
    const id = await writtenStory("山区信号时有时无", "记者沿山路进村采访。");
    const colleague = await personPage("xuweixiang");
    await colleague.goto(`${server.url}/articles/${id}`);
    const field = await freshPersonPage("zhoumi", PHONE);
    const context = field.context();
    const localCopies = (page: Page) =>
      page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? "").filter((n) => n.startsWith("newsroom-story:")));

    /** Opens the story, goes offline, types `words`, waits until they are on the device, closes the tab. */
    async function typeOfflineAndClose(page: Page, words: string, { closeAtOnce = false } = {}): Promise<void> {
      await page.goto(`${server.url}/articles/${id}`);
      await expect.poll(() => text(page.getByTestId("save-status")), EVENTUALLY).toBe("已保存");
      await context.setOffline(true);
      await expect.poll(() => text(page.getByTestId("save-status")), EVENTUALLY).toBe("离线");
      await page.getByTestId("body-editor").click();
      await page.keyboard.press("End");
      await page.keyboard.type(words);
      // Offline, every change is written to the device at once: closing right after the last
      // key (no wait for the notice) keeps it too.
      if (!closeAtOnce) {
        await expect.poll(() => text(page.getByTestId("offline-notice")), EVENTUALLY).toContain("修改已保存在本机");
        await snap(page, "offline-stored-390");
      }
      await page.close();
      await context.setOffline(false);
    }

    await typeOfflineAndClose(field, "村里没有信号，稿子先存在手机上。", { closeAtOnce: true });
    expect(await text(colleague.getByTestId("body-editor"))).not.toContain("稿子先存在手机上");

    // Back online, the story opened again in a new tab: the kept edits reach the server.
    const reopened = await context.newPage();
    await reopened.goto(`${server.url}/articles/${id}`);
    await expect.poll(() => text(reopened.getByTestId("body-editor")), EVENTUALLY).toContain("村里没有信号，稿子先存在手机上。");
    await expect.poll(() => text(reopened.getByTestId("save-status")), EVENTUALLY).toBe("已保存");
    await expect.poll(() => text(colleague.getByTestId("body-editor")), EVENTUALLY).toContain("村里没有信号，稿子先存在手机上。");
    const fresh = connectClient(server.url, id, cookie.huhongye);
    try {
      await fresh.waitSynced();
      expect(fresh.bodyText()).toContain("村里没有信号，稿子先存在手机上。");
    } finally {
      fresh.destroy();
    }

    // Edits kept offline and never sent: signing out deletes them, and the next person to sign in
    // on this browser neither loads nor sends them.
    await typeOfflineAndClose(reopened, "这句只在周汨的手机上。");
    const home = await context.newPage();
    await home.goto(`${server.url}/`);
    expect(await localCopies(home)).toHaveLength(1);
    // The sign-out answer also drops this site's HTTP cache (router payloads may sit there).
    const signOutAnswer = home.waitForResponse((response) => response.request().method() === "POST" && response.request().headers()["next-action"] !== undefined);
    await home.getByRole("button", { name: "退出登录" }).click();
    expect(await (await signOutAnswer).headerValue("clear-site-data")).toBe('"cache"');
    await home.waitForURL("**/login**");
    expect(await localCopies(home)).toEqual([]);
    await home.close();
    const other = await signInPage(context, server.url, "yaoyuchao", DEMO_PASSWORD);
    await other.goto(`${server.url}/articles/${id}`);
    await expect.poll(() => text(other.getByTestId("body-editor")), EVENTUALLY).toContain("村里没有信号");
    await expect.poll(() => text(other.getByTestId("save-status")), EVENTUALLY).toBe("已保存");
    expect(await text(other.getByTestId("body-editor"))).not.toContain("这句只在周汨的手机上");
    expect(await text(colleague.getByTestId("body-editor"))).not.toContain("这句只在周汨的手机上");
  });

  it("lays out the story page without overlap at 1366×768 and 390 px, editable and read-only; the toolbar takes at most two rows on the phone", async () => {
    const id = await createArticle(server.url, cookie.yaoyuchao, "岳麓山下的枫叶季，游客比去年同期多了三成");
    const submitted = await approvedStory("橘子洲焰火晚会恢复举办");
    for (const [size, viewport] of [["1366", DESKTOP], ["390", PHONE]] as const) {
      // 姚宇超 may edit his draft; 周汨 is not on its byline (read-only, with the reason).
      for (const [who, editable] of [["yaoyuchao", true], ["zhoumi", false]] as const) {
        const page = await personPage(who, viewport);
        await page.goto(`${server.url}/articles/${id}`);
        await expect.poll(() => text(page.getByTestId("save-status")), EVENTUALLY).toBe("已保存");
        const parts: Record<string, Locator> = {
          title: page.getByTestId("title-editor"),
          status: page.locator(".editor-status-bar"),
          checkbox: page.locator("label.show-authors"),
          ...(editable ? { toolbar: page.getByRole("toolbar", { name: "格式" }) } : { reason: page.getByTestId("read-only-reason") }),
        };
        const boxes: [string, { x: number; y: number; width: number; height: number }][] = [];
        for (const [name, locator] of Object.entries(parts)) {
          await locator.waitFor({ timeout: 60_000 });
          const box = await locator.boundingBox();
          expect(box, `${name} has a box at ${size}`).not.toBeNull();
          boxes.push([name, box!]);
        }
        // No two of them share a pixel (half a pixel of rounding allowed).
        for (let i = 0; i < boxes.length; i++) {
          for (let j = i + 1; j < boxes.length; j++) {
            const [a, boxA] = boxes[i];
            const [b, boxB] = boxes[j];
            const apart =
              boxA.x + boxA.width <= boxB.x + 0.5 ||
              boxB.x + boxB.width <= boxA.x + 0.5 ||
              boxA.y + boxA.height <= boxB.y + 0.5 ||
              boxB.y + boxB.height <= boxA.y + 0.5;
            expect(apart, `${a} and ${b} overlap at ${size} px for ${who}: ${JSON.stringify(boxA)} ${JSON.stringify(boxB)}`).toBe(true);
          }
        }
        // 显示作者 is what a click at its centre reaches, and nothing spills sideways.
        const checkbox = page.getByTestId("show-authors");
        const reached = await checkbox.evaluate((box) => {
          const r = box.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return hit === box || hit === box.parentElement;
        });
        expect(reached, `显示作者 is covered at ${size} px for ${who}`).toBe(true);
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `page wider than the ${size} px screen`).toBeLessThanOrEqual(viewport.width);
        if (editable && viewport === PHONE) {
          const rows = await parts.toolbar.evaluate((bar) => new Set([...bar.querySelectorAll("button")].map((b) => Math.round(b.getBoundingClientRect().top))).size);
          expect(rows).toBeLessThanOrEqual(2);
        }
        await snap(page, `layout-${editable ? "editable" : "read-only"}-${size}`);
      }
    }

    // 流程记录 reads as people and steps, not hashes.
    const editor = await personPage("huhongye");
    await editor.goto(`${server.url}/articles/${submitted}`);
    const timeline = editor.getByRole("region", { name: "流程记录" });
    await expect.poll(() => text(timeline), EVENTUALLY).toContain("记录完整");
    expect(await text(timeline)).toMatch(/姚宇超 提交/);
    expect(await text(timeline)).not.toMatch(/[0-9a-f]{16,}/);
    await snap(editor, "timeline-1366");
  });

  it("time travel shows headings and photos as they were, its slider above the diff", async () => {
    const id = await createArticle(server.url, cookie.yaoyuchao, "湘江边的渔民上岸记");
    const page = await personPage("yaoyuchao");
    await page.goto(`${server.url}/articles/${id}`);
    await page.getByTestId("body-editor").click();
    await page.getByRole("button", { name: "二级标题" }).click();
    await page.keyboard.type("上岸之后");
    await page.keyboard.press("Enter");
    await page.keyboard.type("老渔民在社区当起了护河员。");
    const chooser = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: "上传图片（也可拖入或粘贴图片文件）" }).click();
    const png = await sharp({ create: { width: 640, height: 400, channels: 3, background: { r: 30, g: 90, b: 160 } } }).png().toBuffer();
    await (await chooser).setFiles({ name: "护河.png", mimeType: "image/png", buffer: png });
    await page.getByTestId("figure").locator("img").waitFor({ timeout: 60_000 });
    await expect.poll(() => text(page.getByTestId("save-status")), EVENTUALLY).toBe("已保存");

    await page.goto(`${server.url}/articles/${id}/history`);
    const moment = page.getByTestId("moment");
    await expect.poll(() => moment.locator("h2").allInnerTexts(), EVENTUALLY).toEqual(["上岸之后"]);
    expect(await moment.locator("p", { hasText: "老渔民在社区当起了护河员。" }).count()).toBe(1);
    expect(await moment.locator("img").getAttribute("src")).toMatch(/^\/media\/[0-9a-f-]{36}$/);
    await expect.poll(() => moment.locator("img").evaluate((img: HTMLImageElement) => img.naturalWidth), EVENTUALLY).toBeGreaterThan(0);
    // The slider comes before the diff: a long diff does not push it out of sight.
    await page.getByTestId("diff").waitFor({ timeout: 60_000 });
    const slider = await page.getByTestId("time-slider").boundingBox();
    const diff = await page.getByTestId("diff").boundingBox();
    expect(slider!.y).toBeLessThan(diff!.y);
    expect(slider!.y + slider!.height).toBeLessThanOrEqual(DESKTOP.height);
    await snap(page, "time-travel-1366");
  });

  /**
   * Makes a story with the dashboard's 新建稿件 (a server action that redirects) on `page` and
   * checks Next fetched the target page from this process, sending it with the answer.
   */
  async function expectRedirectServedInline(page: Page, title: string): Promise<void> {
    const logged: string[] = [];
    const originalError = console.error;
    console.error = (...args: unknown[]) => {
      logged.push(args.map(String).join(" "));
      originalError(...args);
    };
    const failed: string[] = [];
    const onFailed = (request: import("playwright-core").Request) => failed.push(`${request.method()} ${request.url()} ${request.failure()?.errorText}`);
    page.on("requestfailed", onFailed);
    try {
      await page.goto(`${server.url}/`);
      await page.getByRole("textbox", { name: "新稿件标题" }).fill(title);
      await page.getByRole("button", { name: "新建稿件" }).click();
      await page.waitForURL(/\/articles\/[0-9a-f-]{36}$/, { timeout: 60_000 });
      await expect.poll(() => text(page.getByTestId("save-status")), EVENTUALLY).toBe("已保存");
      expect(logged.filter((line) => line.includes("failed to get redirect response"))).toEqual([]);
      // Printed, not asserted: Chromium still reports some requests a navigation cut short.
      console.log(`requests cut short: ${JSON.stringify(failed)}`);
    } finally {
      console.error = originalError;
      page.off("requestfailed", onFailed);
    }
  }

  it("runs a redirecting server action (new story) with its target page fetched in the same answer", async () => {
    // Next fetches a redirecting action's target from this process, at the port it was given;
    // with PORT=0 that was 3000 ("failed to get redirect response ... ECONNREFUSED"), so every
    // redirect became a second round trip. The server now gives Next the port it listens on.
    await expectRedirectServedInline(await personPage("yaoyuchao"), "服务器动作的跳转");
  });

  it("serves the redirect in the same answer behind an HTTPS proxy (x-forwarded-proto: https)", async () => {
    // Behind a TLS proxy every request says x-forwarded-proto: https. Next built its self-fetch
    // origin from that (https:// to a port speaking plain HTTP) and the fetch failed; the
    // server now sets the plain self origin (__NEXT_PRIVATE_ORIGIN) as `next start` does.
    const context = await personContext(browser, { viewport: DESKTOP, extraHTTPHeaders: { "x-forwarded-proto": "https" } });
    contexts.push(context);
    const page = await signInPage(context, server.url, "yaoyuchao", DEMO_PASSWORD);
    await expectRedirectServedInline(page, "代理后的跳转");
  });

  it("says the restore worked on the history page and shows the new state", async () => {
    const id = await writtenStory("恢复版本测试", "第一稿的第一段。");
    await api(server.url, cookie.huhongye, "POST", `/api/articles/${id}/revisions`, { name: "第一稿" });
    const page = await personPage("huhongye");
    await page.goto(`${server.url}/articles/${id}`);
    const body = page.getByTestId("body-editor");
    await body.click();
    await page.keyboard.type("后来加上的一句");
    await expect.poll(() => text(page.getByTestId("save-status")), EVENTUALLY).toBe("已保存");
    await page.goto(`${server.url}/articles/${id}/history`);
    expect(await page.title()).toBe("历史版本：恢复版本测试 · 红网编辑台");
    page.once("dialog", (dialog) => void dialog.accept());
    await page.locator("li", { hasText: "第一稿" }).getByRole("button", { name: "恢复此版本" }).click();
    await expect.poll(() => text(page.getByTestId("history-done")), EVENTUALLY).toContain("已恢复为“第一稿”");
    await expect.poll(() => page.locator(".version-list").innerText(), EVENTUALLY).toContain("恢复");
    await snap(page, "restored-1366");
  });
});
