import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowser, EVENTUALLY, launchBrowser, personContext, signInPage, text } from "../support/browser";
import { storyline } from "../support/storyline";
import { addMembers, signIn } from "../support/session";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { createStore, DEMO_PASSWORD, type ServerStore } from "../support/testServer";


/** The text a user sees in one element; throws (and expect.poll retries) while it is not there yet. */

/** A caret of another person in the body editor, found by the name on its label. */
const caretOf = (page: Page, name: string) =>
  page.locator(".collaboration-carets__caret", {
    has: page.locator(".collaboration-carets__label", { hasText: name }),
  });


describeInBrowser("two people co-write a story in real browsers", () => {
  // Each test continues the story the one before told; run alone, it tells that part first.
  const story = storyline();
  let store: ServerStore;
  let server: InProcessServer;
  let browser: Browser;
  let contextA: BrowserContext;
  let contextB: BrowserContext;
  let pageA: Page;
  let pageB: Page;
  let articleUrl: string;
  const TITLE = "湘江两岸的夜市新变化";
  const SENTENCE_A = "甲方写的第一句。";
  const SENTENCE_B = "乙方补充一句。";
  const TITLE_SUFFIX = "(续)";

  beforeAll(async () => {
    store = await createStore("pglite");
    server = await startInProcessServer(store);
    browser = await launchBrowser();
    contextA = await personContext(browser);
    contextB = await personContext(browser);
  });

  afterAll(async () => {
    await contextA?.close().catch(() => {});
    await contextB?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.stop();
    await store?.dispose();
  });

  it("a wrong password shows an error and stays on the login page", async () => {
    const page = await contextA.newPage();
    await page.goto(`${server.url}/login`);
    await page.locator('input[name="username"]').fill("yaoyuchao");
    await page.locator('input[name="password"]').fill("不是这个密码");
    await page.getByRole("button", { name: "登录", exact: true }).click();
    // Scoped to the form: Next.js's route announcer is also a role=alert element on every page.
    const alert = page.locator("form").getByRole("alert");
    await expect.poll(() => text(alert), EVENTUALLY).toContain("用户名或密码错误");
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.close();
  });

  it("a reporter signs in and starts a story from the dashboard", story.then(async () => {
    pageA = await signInPage(contextA, server.url, "yaoyuchao", DEMO_PASSWORD);
    expect(await pageA.getByRole("heading", { name: "稿件", exact: true }).isVisible()).toBe(true);
    await pageA.locator('input[name="title"]').fill(TITLE);
    await pageA.getByRole("button", { name: "新建稿件", exact: true }).click();
    await pageA.waitForURL((url) => /^\/articles\/[^/]+$/.test(url.pathname));
    articleUrl = pageA.url();
    // The title the reporter typed is in the live document's title editor.
    await expect.poll(() => text(pageA.getByTestId("title-editor")), EVENTUALLY).toContain(TITLE);
  }));

  it("a correspondent in another browser opens the same story", story.then(async () => {
    // The desk puts the correspondent on the byline: only members write in a draft.
    const articleId = new URL(articleUrl).pathname.split("/").pop()!;
    await addMembers(server.url, await signIn(server.url, "huhongye"), articleId, ["xuweixiang"]);
    pageB = await signInPage(contextB, server.url, "xuweixiang", DEMO_PASSWORD);
    await pageB.goto(articleUrl);
    expect(pageB.url()).toBe(articleUrl);
    await expect.poll(() => text(pageB.getByTestId("title-editor")), EVENTUALLY).toContain(TITLE);
  }));

  it("each sees what the other types in the body", story.then(async () => {
    const bodyA = pageA.getByTestId("body-editor");
    const bodyB = pageB.getByTestId("body-editor");

    await bodyA.click();
    await pageA.keyboard.press("Control+End");
    await pageA.keyboard.type(SENTENCE_A);
    await expect.poll(() => text(bodyA), EVENTUALLY).toContain(SENTENCE_A);
    await expect.poll(() => text(bodyB), EVENTUALLY).toContain(SENTENCE_A);

    // B continues after A's sentence (not wherever the click happened to land in it).
    await bodyB.click();
    await pageB.keyboard.press("Control+End");
    await pageB.keyboard.press("Enter");
    await pageB.keyboard.type(SENTENCE_B);
    await expect.poll(() => text(bodyB), EVENTUALLY).toContain(SENTENCE_B);
    await expect.poll(() => text(bodyA), EVENTUALLY).toContain(SENTENCE_B);

    // Nobody's sentence got split or lost on either page.
    for (const body of [bodyA, bodyB]) {
      const shown = await text(body);
      expect(shown).toContain(SENTENCE_A);
      expect(shown).toContain(SENTENCE_B);
    }
  }));

  it("each sees the other's caret and both names in the presence list", story.then(async () => {
    await expect.poll(() => caretOf(pageA, "徐卫香").count(), EVENTUALLY).toBeGreaterThan(0);
    await expect.poll(() => caretOf(pageB, "姚宇超").count(), EVENTUALLY).toBeGreaterThan(0);
    for (const page of [pageA, pageB]) {
      const presence = page.getByTestId("presence");
      await expect.poll(() => text(presence), EVENTUALLY).toContain("姚宇超");
      await expect.poll(() => text(presence), EVENTUALLY).toContain("徐卫香");
    }
  }));

  it("both status lines reach 已保存", story.then(async () => {
    for (const page of [pageA, pageB]) {
      await expect.poll(() => text(page.getByTestId("save-status")), EVENTUALLY).toBe("已保存");
    }
  }));

  it("a title change by B appears on A", story.then(async () => {
    const titleB = pageB.getByTestId("title-editor");
    await titleB.click();
    await pageB.keyboard.press("End");
    await pageB.keyboard.type(TITLE_SUFFIX);
    await expect.poll(() => text(titleB), EVENTUALLY).toBe(TITLE + TITLE_SUFFIX);
    await expect.poll(() => text(pageA.getByTestId("title-editor")), EVENTUALLY).toBe(TITLE + TITLE_SUFFIX);
    await expect.poll(() => text(pageB.getByTestId("save-status")), EVENTUALLY).toBe("已保存");
  }));

  it("after a reload A still has both sentences and the title", story.then(async () => {
    await expect.poll(() => text(pageA.getByTestId("save-status")), EVENTUALLY).toBe("已保存");
    await pageA.reload();
    const bodyA = pageA.getByTestId("body-editor");
    await expect.poll(() => text(bodyA), EVENTUALLY).toContain(SENTENCE_A);
    await expect.poll(() => text(bodyA), EVENTUALLY).toContain(SENTENCE_B);
    await expect.poll(() => text(pageA.getByTestId("title-editor")), EVENTUALLY).toBe(TITLE + TITLE_SUFFIX);
  }));
});
