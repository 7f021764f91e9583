import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as Y from "yjs";
import { placeInBody } from "../support/bodyCaret";
import { describeInBrowser, EVENTUALLY, launchBrowser, personContext, signInPage, text } from "../support/browser";
import { connectClient } from "../support/collabClient";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { api, createArticle, createTeamStory, signIn } from "../support/session";
import { createStore, DEMO_PASSWORD, type ServerStore } from "../support/testServer";


describeInBrowser("review in the browser: comments beside the text and the checks panel", () => {
  let store: ServerStore;
  let server: InProcessServer;
  let browser: Browser;
  let contextE: BrowserContext; // the editor, 胡红叶
  let contextR: BrowserContext; // the reporter, 姚宇超

  beforeAll(async () => {
    store = await createStore("pglite");
    // A short headline limit, so the story's title fails a machine check.
    server = await startInProcessServer(store, { CHECKS_MAX_HEADLINE_CHARACTERS: "10" });
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

  it("the editor comments on a phrase, the reporter replies, the editor resolves; the checks panel shows a failed check", async () => {
    const editorCookie = await signIn(server.url, "huhongye");
    const id = await createTeamStory(server.url, editorCookie, "岳麓山下的秋季读书会今天开幕");
    const reporter = connectClient(server.url, id, await signIn(server.url, "yaoyuchao"));
    await reporter.waitSynced();
    reporter.type("长沙市岳麓区今天举办秋季读书会，预计吸引市民约三百人参加。");
    await reporter.waitSaved();
    reporter.destroy();

    const pageE = await signInPage(contextE, server.url, "huhongye", DEMO_PASSWORD);
    const pageR = await signInPage(contextR, server.url, "yaoyuchao", DEMO_PASSWORD);
    await Promise.all([pageE, pageR].map((page) => page.goto(`${server.url}/articles/${id}`)));
    await expect.poll(() => text(pageE.getByTestId("body-editor")), EVENTUALLY).toContain("约三百人");

    // The editor selects the figure and leaves a comment on it.
    await placeInBody(pageE, "约三百人", { select: true });
    await expect.poll(() => pageE.getByTestId("comment-add").isEnabled(), EVENTUALLY).toBe(true);
    await pageE.getByTestId("comment-add").click();
    await pageE.getByTestId("comment-input").fill("人数请再核实");
    await pageE.getByTestId("comment-send").click();
    const threadE = pageE.getByTestId("comment-margin").getByTestId("comment-thread");
    await expect.poll(() => text(threadE), EVENTUALLY).toContain("人数请再核实");
    expect(await pageE.locator(".comment-anchor").innerText()).toBe("约三百人");

    // The reporter sees it beside the text without reloading, and replies.
    const threadR = pageR.getByTestId("comment-margin").getByTestId("comment-thread");
    await expect.poll(() => text(threadR), EVENTUALLY).toContain("人数请再核实");
    await threadR.getByTestId("reply-input").fill("主办方说是三千人,已改");
    await threadR.getByTestId("reply-send").click();
    await expect.poll(() => text(threadE), EVENTUALLY).toContain("主办方说是三千人,已改");

    // A colleague adds words before the phrase: its highlight moves with it (it used to keep
    // the positions from before the edit until the next one).
    const colleague = connectClient(server.url, id, await signIn(server.url, "yaoyuchao"));
    await colleague.waitSynced();
    const body = colleague.doc.getXmlFragment("body");
    const paragraph = body.get(body.length - 1) as Y.XmlElement;
    (paragraph.get(0) as Y.XmlText).insert(0, "今天上午，");
    await colleague.waitSaved();
    colleague.destroy();
    await expect.poll(() => text(pageE.getByTestId("body-editor")), EVENTUALLY).toContain("今天上午，长沙市");
    await expect.poll(() => pageE.locator(".comment-anchor").innerText(), EVENTUALLY).toBe("约三百人");

    // The editor resolves the thread: it leaves the margin for the list, for both of them.
    await threadE.getByTestId("thread-resolve").click();
    for (const page of [pageE, pageR]) {
      await expect.poll(() => page.getByTestId("comment-list").getByTestId("thread-resolved").count(), EVENTUALLY).toBe(1);
      expect(await page.getByTestId("comment-margin").getByTestId("comment-thread").count()).toBe(0);
    }

    // The checks panel shows the headline check failed for the saved text.
    await expect.poll(() => pageE.getByTestId("check-headline").getAttribute("data-status"), EVENTUALLY).toBe("failed");
    expect(await text(pageE.getByTestId("checks-verdict"))).toContain("不能签发");
    expect(await text(pageE.getByTestId("check-headline"))).toContain("超过上限 10 字");
  });
  it("a reporter outside the story (may read, not comment) opens no review stream, and sees a check let through on returning to the page", async () => {
    const editorCookie = await signIn(server.url, "huhongye");
    const id = await createArticle(server.url, editorCookie, "岳麓山下的秋季读书会今天闭幕");
    const editor = connectClient(server.url, id, editorCookie);
    await editor.waitSynced();
    editor.type("长沙市岳麓区今天举办秋季读书会闭幕式。");
    await editor.waitSaved();
    editor.destroy();

    const pageR = await contextR.newPage(); // 姚宇超, not on this story's byline
    const streams: string[] = [];
    pageR.on("request", (request) => {
      if (request.url().includes("/comments/stream")) streams.push(request.url());
    });
    await pageR.goto(`${server.url}/articles/${id}`);
    await expect.poll(() => pageR.getByTestId("check-headline").getAttribute("data-status"), EVENTUALLY).toBe("failed");

    // The editor lets the headline through; the reporter's page has no stream to hear it...
    const report = (await api<{ contentHash: string }>(server.url, editorCookie, "GET", `/api/articles/${id}/checks`)).body;
    const overridden = await api(server.url, editorCookie, "POST", `/api/articles/${id}/checks/overrides`, {
      checkId: "headline",
      contentHash: report.contentHash,
      reason: "标题按版面要求",
    });
    expect(overridden.status).toBe(201);
    // ...and reads again when she comes back to it.
    await pageR.evaluate(() => window.dispatchEvent(new Event("focus")));
    await expect.poll(() => text(pageR.getByTestId("check-headline")), EVENTUALLY).toContain("已豁免");
    expect(streams).toEqual([]);
    await pageR.close();
  });
});
