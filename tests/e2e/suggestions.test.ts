import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bodyWords, placeInBody } from "../support/bodyCaret";
import { submittedStory } from "../support/reviewDesk";
import { describeInBrowser, EVENTUALLY, launchBrowser, personContext, signInPage, text } from "../support/browser";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { api, signIn } from "../support/session";
import { createStore, DEMO_PASSWORD, type ServerStore } from "../support/testServer";


const STORY = "长沙市岳麓区今天举办秋季读书会，预计吸引市民约三百人参加。";

describeInBrowser("suggestion mode (修订) in the browser", () => {
  let store: ServerStore;
  let server: InProcessServer;
  let browser: Browser;
  let contextE: BrowserContext; // the editor, 胡红叶
  let contextR: BrowserContext; // the reporter, 姚宇超

  beforeAll(async () => {
    store = await createStore("pglite");
    server = await startInProcessServer(store);
    browser = await launchBrowser();
    contextE = await personContext(browser);
    contextR = await personContext(browser);
  });

  afterAll(async () => {
    for (const context of [contextE, contextR]) await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.stop();
    await store?.dispose();
  });

  it("the editor suggests an insertion and a deletion; the reporter accepts one and rejects the other (an IME's too)", async () => {
    const editorCookie = await signIn(server.url, "huhongye");
    const id = await submittedStory(server.url, "岳麓山下读书会", STORY);

    const pageE = await signInPage(contextE, server.url, "huhongye", DEMO_PASSWORD);
    const pageR = await signInPage(contextR, server.url, "yaoyuchao", DEMO_PASSWORD);
    await Promise.all([pageE, pageR].map((page) => page.goto(`${server.url}/articles/${id}`)));
    await expect.poll(() => text(pageE.getByTestId("body-editor")), EVENTUALLY).toContain("约三百人");

    // Reviewing a submitted story, the editor is in 修订模式 from the start.
    await expect.poll(() => pageE.getByTestId("suggest-mode").getAttribute("aria-pressed"), EVENTUALLY).toBe("true");
    await placeInBody(pageE, "读书会");
    await pageE.keyboard.type("活动");
    await placeInBody(pageE, "今天", { select: true });
    await pageE.keyboard.press("Backspace");
    // Chinese input: an IME composes pinyin, then commits the characters (Chromium's own IME events).
    await placeInBody(pageE, "约三百人");
    const ime = await contextE.newCDPSession(pageE);
    await ime.send("Input.imeSetComposition", { text: "zuoyou", selectionStart: 6, selectionEnd: 6 });
    await ime.send("Input.imeSetComposition", { text: "左右", selectionStart: 2, selectionEnd: 2 });
    await ime.send("Input.insertText", { text: "左右" });

    // Nothing was removed: the insertion is underlined, the deletion struck through, both listed.
    const insertedE = pageE.locator(".body-editor ins.suggest-insert");
    const deletedE = pageE.locator(".body-editor del.suggest-delete");
    await expect.poll(() => insertedE.allInnerTexts(), EVENTUALLY).toEqual(["活动", "左右"]);
    await expect.poll(() => text(deletedE), EVENTUALLY).toBe("今天");
    expect(await bodyWords(pageE)).toBe("长沙市岳麓区今天举办秋季读书会活动，预计吸引市民约三百人左右参加。");
    await expect.poll(() => pageE.getByTestId("suggestion").count(), EVENTUALLY).toBe(3);
    await expect.poll(() => pageE.getByTestId("save-status").innerText(), EVENTUALLY).toBe("已保存");

    // The reporter sees them live, but decides only once the story is sent back (退回修改).
    await expect.poll(() => pageR.getByTestId("suggestion").count(), EVENTUALLY).toBe(3);
    expect(await pageR.getByTestId("accept-suggestion").count()).toBe(0);
    expect((await api(server.url, editorCookie, "POST", `/api/articles/${id}/transitions`, { action: "request_changes", note: "请处理修订" })).status).toBe(200);
    await pageR.reload();
    await expect.poll(() => pageR.getByTestId("suggestion").count(), EVENTUALLY).toBe(3);
    const insertion = pageR.locator('[data-testid="suggestion"][data-kind="insert"]', { hasText: "活动" });
    const deletion = pageR.locator('[data-testid="suggestion"][data-kind="delete"]');
    expect(await text(insertion)).toContain("胡红叶");
    await insertion.getByTestId("reject-suggestion").click();
    await deletion.getByTestId("accept-suggestion").click();
    await expect.poll(() => pageR.getByTestId("suggestion").count(), EVENTUALLY).toBe(1);
    await pageR.getByTestId("accept-all-suggestions").click();

    const expected = "长沙市岳麓区举办秋季读书会，预计吸引市民约三百人左右参加。";
    await expect.poll(() => bodyWords(pageR), EVENTUALLY).toBe(expected);
    await expect.poll(() => bodyWords(pageE), EVENTUALLY).toBe(expected);
    await expect.poll(() => pageR.getByTestId("no-suggestions").isVisible(), EVENTUALLY).toBe(true);
    await expect.poll(() => pageE.getByTestId("no-suggestions").isVisible(), EVENTUALLY).toBe(true);
    await expect.poll(() => pageR.getByTestId("save-status").innerText(), EVENTUALLY).toBe("已保存");
    const saved = await api<{ content: { text: string } }>(server.url, editorCookie, "GET", `/api/articles/${id}`);
    expect(saved.body.content.text).toBe(expected);
  });

  it("an IME typing over a selection in 修订模式 suggests deleting the selection, it does not delete it", async () => {
    const id = await submittedStory(server.url, "秋季读书会", STORY);

    // The editor's browser is signed in already (the test above).
    const page = await contextE.newPage();
    await page.goto(`${server.url}/articles/${id}`);
    await expect.poll(() => text(page.getByTestId("body-editor")), EVENTUALLY).toContain("秋季");
    await expect.poll(() => page.getByTestId("suggest-mode").getAttribute("aria-pressed"), EVENTUALLY).toBe("true");
    await placeInBody(page, "秋季", { select: true });
    const ime = await contextE.newCDPSession(page);
    await ime.send("Input.imeSetComposition", { text: "chunji", selectionStart: 6, selectionEnd: 6 });
    await ime.send("Input.imeSetComposition", { text: "春季", selectionStart: 2, selectionEnd: 2 });
    await ime.send("Input.insertText", { text: "春季" });

    await expect.poll(() => page.locator(".body-editor del.suggest-delete").allInnerTexts(), EVENTUALLY).toEqual(["秋季"]);
    await expect.poll(() => page.locator(".body-editor ins.suggest-insert").allInnerTexts(), EVENTUALLY).toEqual(["春季"]);
    expect(await bodyWords(page)).toBe("长沙市岳麓区今天举办秋季春季读书会，预计吸引市民约三百人参加。");
    await expect.poll(() => page.getByTestId("save-status").innerText(), EVENTUALLY).toBe("已保存");
  });
});
