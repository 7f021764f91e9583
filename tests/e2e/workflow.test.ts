import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowser, EVENTUALLY, launchBrowser, personContext, signInPage, text } from "../support/browser";
import { storyline } from "../support/storyline";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { createStore, DEMO_PASSWORD, type ServerStore } from "../support/testServer";


/** The text a user sees in one element; throws (and expect.poll retries) while it is not there yet. */

/** Whether an element is on the page and visible right now. */
const shown = (locator: Locator) => locator.isVisible();

/** Whether the body editor takes typing (Tiptap sets contenteditable from the live access). */
const writable = async (page: Page) => (await page.getByTestId("body-editor").getAttribute("contenteditable")) === "true";

/** The state badge on the article page. */
const stateBadge = (page: Page) => page.getByTestId("article-state");

/** A workflow button (the plain ones, and the confirm button of those that ask for a note). */
const workflowButton = (page: Page, action: string) => page.locator(`[data-testid="workflow-panel"] button[data-action="${action}"]`);


describeInBrowser("a story goes from draft to the public page in real browsers", () => {
  // Each test continues the story the one before told; run alone, it tells that part first.
  const story = storyline();
  let store: ServerStore;
  let server: InProcessServer;
  let browser: Browser;
  let contextE: BrowserContext; // the editor, 胡红叶
  let contextR: BrowserContext; // the reporter, 姚宇超
  let contextV: BrowserContext; // a reader who never signs in
  let pageE: Page;
  let pageR: Page;
  let articleUrl: string;
  let publicHref: string;
  const TITLE = "岳麓山下的秋季读书会开幕";
  const FIRST_DRAFT = "长沙市岳麓区今天举办秋季读书会,预计吸引市民约三百人参加。";
  const FIXED_TEXT = "长沙市岳麓区今天举办秋季读书会,现场吸引市民约三千人参加。";
  const CHANGES_NOTE = "人数请再核实一下,现场主办方说是三千人。";

  beforeAll(async () => {
    store = await createStore("pglite");
    server = await startInProcessServer(store);
    browser = await launchBrowser();
    contextE = await personContext(browser);
    contextR = await personContext(browser);
    contextV = await personContext(browser);
  });

  afterAll(async () => {
    for (const context of [contextE, contextR, contextV]) await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.stop();
    await store?.dispose();
  });

  it("the editor starts a story and puts the reporter on its byline", story.then(async () => {
    pageE = await signInPage(contextE, server.url, "huhongye", DEMO_PASSWORD);
    await pageE.locator('input[name="title"]').fill(TITLE);
    await pageE.getByRole("button", { name: "新建稿件", exact: true }).click();
    await pageE.waitForURL((url) => /^\/articles\/[^/]+$/.test(url.pathname));
    articleUrl = pageE.url();
    await expect.poll(() => text(pageE.getByTestId("title-editor")), EVENTUALLY).toContain(TITLE);
    await expect.poll(() => text(stateBadge(pageE)), EVENTUALLY).toBe("草稿");

    await pageE.getByRole("combobox", { name: "添加署名", exact: true }).selectOption("yaoyuchao");
    await pageE.getByRole("button", { name: "添加署名", exact: true }).click();
    await expect.poll(() => text(pageE.getByTestId("byline")), EVENTUALLY).toContain("记者 姚宇超");
  }));

  it("the reporter writes the story and submits it; the text locks for her at once", story.then(async () => {
    pageR = await signInPage(contextR, server.url, "yaoyuchao", DEMO_PASSWORD);
    await pageR.goto(articleUrl);
    await expect.poll(() => text(pageR.getByTestId("title-editor")), EVENTUALLY).toContain(TITLE);
    await expect.poll(() => writable(pageR), EVENTUALLY).toBe(true);
    expect(await shown(pageR.getByTestId("read-only-notice"))).toBe(false);

    const body = pageR.getByTestId("body-editor");
    await body.click();
    await pageR.keyboard.press("Control+End");
    await pageR.keyboard.type(FIRST_DRAFT);
    await expect.poll(() => text(body), EVENTUALLY).toContain(FIRST_DRAFT);
    await expect.poll(() => text(pageR.getByTestId("save-status")), EVENTUALLY).toBe("已保存");

    await workflowButton(pageR, "submit").click();
    await expect.poll(() => text(stateBadge(pageR)), EVENTUALLY).toBe("待审");
    await expect.poll(() => shown(pageR.getByTestId("read-only-notice")), EVENTUALLY).toBe(true);
    await expect.poll(() => writable(pageR), EVENTUALLY).toBe(false);
  }));

  it("the editor finds it in the review queue and sends it back with a note; the reporter fixes it", story.then(async () => {
    await pageE.goto(server.url);
    const queue = pageE.getByTestId("review-queue");
    await expect.poll(() => text(queue), EVENTUALLY).toContain(TITLE);
    await queue.getByRole("link", { name: TITLE, exact: true }).click();
    await pageE.waitForURL(articleUrl);
    await expect.poll(() => text(stateBadge(pageE)), EVENTUALLY).toBe("待审");
    // The live editor is up, so the page's buttons respond to clicks (the page is hydrated).
    await expect.poll(() => text(pageE.getByTestId("title-editor")), EVENTUALLY).toContain(TITLE);

    await pageE.getByRole("button", { name: "退回修改…", exact: true }).click();
    await pageE.locator('textarea[name="note"]').fill(CHANGES_NOTE);
    await workflowButton(pageE, "request_changes").click();
    await expect.poll(() => text(stateBadge(pageE)), EVENTUALLY).toBe("退回修改");

    // The reporter's page follows the story's state: the note appears and the text unlocks.
    await expect.poll(() => text(stateBadge(pageR)), EVENTUALLY).toBe("退回修改");
    await expect.poll(() => text(pageR.getByTestId("changes-note")), EVENTUALLY).toContain(CHANGES_NOTE);
    await expect.poll(() => writable(pageR), EVENTUALLY).toBe(true);
    await expect.poll(() => shown(pageR.getByTestId("read-only-notice")), EVENTUALLY).toBe(false);

    // She replaces her paragraph with the corrected one.
    const body = pageR.getByTestId("body-editor");
    await body.click();
    await pageR.keyboard.press("Control+A");
    await pageR.keyboard.type(FIXED_TEXT);
    await expect.poll(() => text(body), EVENTUALLY).toContain(FIXED_TEXT);
    expect(await text(body)).not.toContain(FIRST_DRAFT);
    await expect.poll(() => text(pageR.getByTestId("save-status")), EVENTUALLY).toBe("已保存");
    // The editor's live copy has her fix too.
    await expect.poll(() => text(pageE.getByTestId("body-editor")), EVENTUALLY).toContain(FIXED_TEXT);

    await workflowButton(pageR, "submit").click();
    await expect.poll(() => text(stateBadge(pageR)), EVENTUALLY).toBe("待审");
    await expect.poll(() => shown(pageR.getByTestId("read-only-notice")), EVENTUALLY).toBe(true);
    await expect.poll(() => shown(pageR.getByTestId("changes-note")), EVENTUALLY).toBe(false);
  }));

  it("the editor approves and publishes; the page links to the public story", story.then(async () => {
    await expect.poll(() => text(stateBadge(pageE)), EVENTUALLY).toBe("待审");
    await expect.poll(() => shown(workflowButton(pageE, "approve")), EVENTUALLY).toBe(true);
    await workflowButton(pageE, "approve").click();
    await expect.poll(() => text(stateBadge(pageE)), EVENTUALLY).toBe("已签发");

    await expect.poll(() => shown(workflowButton(pageE, "publish")), EVENTUALLY).toBe(true);
    // Publishing now asks first (issue 13); the editor confirms.
    const asked = new Promise<string>((resolve) =>
      pageE.once("dialog", (dialog) => {
        resolve(dialog.message());
        void dialog.accept();
      }),
    );
    await workflowButton(pageE, "publish").click();
    expect(await asked).toContain("立即发布");
    await expect.poll(() => text(stateBadge(pageE)), EVENTUALLY).toBe("已发布");
    const link = pageE.getByTestId("public-link");
    await expect.poll(() => shown(link), EVENTUALLY).toBe(true);
    expect(await text(link)).toBe("查看发布页面");
    publicHref = (await link.getAttribute("href"))!;
    expect(publicHref).toMatch(/^\/news\/[^/]+$/);
  }));

  it("a reader who is not signed in sees the published story", story.then(async () => {
    const page = await contextV.newPage();
    const response = await page.goto(`${server.url}${publicHref}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toBeTruthy();

    expect(await text(page.locator("h1"))).toBe(TITLE);
    expect(await text(page.locator(".byline"))).toContain("红网时刻新闻记者 姚宇超");
    const story = await text(page.locator("article"));
    expect(story).toContain(FIXED_TEXT);
    expect(story).not.toContain(FIRST_DRAFT);
    expect(await text(page.locator("footer"))).toContain("编辑:胡红叶");
    await page.close();
  }));

  it("the audit timeline on the article page says the record is complete", story.then(async () => {
    await expect.poll(() => text(pageE.getByTestId("audit-verified")), EVENTUALLY).toContain("记录完整");
  }));
});
