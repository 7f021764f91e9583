import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { placeInBody } from "../support/bodyCaret";
import { closeBrowserTest, describeInBrowser, EVENTUALLY, launchBrowser, personContext, signInPage, text } from "../support/browser";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { createTeamStory, signIn } from "../support/session";
import { createStore, DEMO_PASSWORD, type ServerStore } from "../support/testServer";

const articleState = (page: Page) => text(page.getByTestId("article-state"));
const workflowButton = (page: Page, action: string) => page.locator(`[data-testid="workflow-panel"] button[data-action="${action}"]`);

const TITLE = "梅溪湖畔的周末市集";
const LEAD = "梅溪湖畔的周末市集今天开市。";

/** What DevTools would show a person in red: failed requests and console errors, by page. */
interface Trouble {
  who: string;
  what: string;
}

describeInBrowser("the workflow in the browser leaves DevTools clean (issue 13)", () => {
  let store: ServerStore;
  let server: InProcessServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const trouble: Trouble[] = [];
  /** Requests for a story page's payload (navigations and refreshes, not prefetches), by person. */
  const storyPageRequests = new Map<string, number>();

  beforeAll(async () => {
    store = await createStore("pglite");
    // The dashboard re-reads itself (and its links are prefetched again) every second.
    server = await startInProcessServer(store, { DASHBOARD_REFRESH_MS: "1000" });
    browser = await launchBrowser();
  });

  afterAll(() => closeBrowserTest({ contexts, browser, server, store }));

  /**
   * A person's browser, signed in on the dashboard, recording what DevTools would show in red:
   * a failed App Router request (navigation, prefetch, refresh) or server action, and console
   * errors. Event streams (notifications, comments) are left out: a page closes its own stream
   * when the person leaves it, and a stream has no other way to end.
   */
  const signedIn = async (username: string): Promise<Page> => {
    const context = await personContext(browser);
    contexts.push(context);
    // Publishing and restoring ask first: the person says yes.
    context.on("dialog", (dialog) => void dialog.accept());
    context.on("requestfailed", (request) => {
      const headers = request.headers();
      const kind = headers["next-action"] ? "server action" : headers["rsc"] ? "RSC" : null;
      if (kind) trouble.push({ who: username, what: `${kind} ${request.method()} ${request.url()}: ${request.failure()?.errorText}` });
    });
    context.on("request", (request) => {
      const headers = request.headers();
      if (headers["rsc"] && !headers["next-router-prefetch"] && /^\/articles\/[^/]+$/.test(new URL(request.url()).pathname)) {
        storyPageRequests.set(username, (storyPageRequests.get(username) ?? 0) + 1);
      }
    });
    context.on("console", (message) => {
      if (message.type() === "error") trouble.push({ who: username, what: `console: ${message.text()}` });
    });
    return signInPage(context, server.url, username, DEMO_PASSWORD);
  };

  it("writing, 提交审核, a comment, 退回修改, 恢复此版本, resubmitting, 签发 and 发布 fail no request and log no error", async () => {
    const id = await createTeamStory(server.url, await signIn(server.url, "huhongye"), TITLE);
    const reporter = await signedIn("yaoyuchao");
    const editor = await signedIn("huhongye");

    // The reporter opens the story from her dashboard, writes and submits it.
    await reporter.getByRole("link", { name: TITLE, exact: true }).click();
    await reporter.waitForURL(`**/articles/${id}`);
    await expect.poll(() => reporter.getByTestId("body-editor").getAttribute("contenteditable"), EVENTUALLY).toBe("true");
    await reporter.getByTestId("body-editor").click();
    await reporter.keyboard.type(LEAD);
    await expect.poll(() => text(reporter.getByTestId("save-status")), EVENTUALLY).toBe("已保存");
    await workflowButton(reporter, "submit").click();
    await expect.poll(() => articleState(reporter), EVENTUALLY).toBe("待审");

    // The editor finds it in the review queue (the dashboard follows by itself), comments on it
    // and sends it back.
    await expect.poll(() => editor.getByTestId("review-queue").getByRole("link", { name: TITLE, exact: true }).count(), EVENTUALLY).toBe(1);
    await editor.getByTestId("review-queue").getByRole("link", { name: TITLE, exact: true }).click();
    await editor.waitForURL(`**/articles/${id}`);
    await expect.poll(() => text(editor.getByTestId("body-editor")), EVENTUALLY).toContain(LEAD);
    await placeInBody(editor, "周末市集", { select: true });
    await expect.poll(() => editor.getByTestId("comment-add").isEnabled(), EVENTUALLY).toBe(true);
    await editor.getByTestId("comment-add").click();
    await editor.getByTestId("comment-input").fill("摊位数量请核实");
    await editor.getByTestId("comment-send").click();
    await expect.poll(() => text(editor.getByTestId("comment-margin")), EVENTUALLY).toContain("摊位数量请核实");
    await editor.getByRole("button", { name: "退回修改…", exact: true }).click();
    await editor.locator('textarea[name="note"]').fill("请补充摊位数量");
    await workflowButton(editor, "request_changes").click();
    await expect.poll(() => articleState(editor), EVENTUALLY).toBe("退回修改");

    // The reporter's page follows; she restores the submitted version from the history page and
    // sends the story in again.
    await expect.poll(() => articleState(reporter), EVENTUALLY).toBe("退回修改");
    await reporter.getByTestId("history-link").click();
    await reporter.waitForURL(`**/articles/${id}/history`);
    await reporter.getByRole("button", { name: "恢复此版本", exact: true }).first().click();
    await expect.poll(() => text(reporter.getByTestId("history-done")), EVENTUALLY).toContain("已恢复为");
    await reporter.getByRole("link", { name: "← 返回稿件", exact: true }).click();
    await reporter.waitForURL(`**/articles/${id}`);
    await expect.poll(() => workflowButton(reporter, "submit").isVisible(), EVENTUALLY).toBe(true);
    await workflowButton(reporter, "submit").click();
    await expect.poll(() => articleState(reporter), EVENTUALLY).toBe("待审");

    // The editor resolves his comment (签发 waits for open threads), approves and publishes.
    await editor.getByTestId("comment-margin").getByTestId("thread-resolve").click();
    await expect.poll(() => editor.getByTestId("comment-list").getByTestId("thread-resolved").count(), EVENTUALLY).toBe(1);
    await expect.poll(() => workflowButton(editor, "approve").isVisible(), EVENTUALLY).toBe(true);
    const editorRequestsBefore = storyPageRequests.get("huhongye");
    await workflowButton(editor, "approve").click();
    await expect.poll(() => articleState(editor), EVENTUALLY).toBe("已签发");
    await expect.poll(() => workflowButton(editor, "publish").isVisible(), EVENTUALLY).toBe(true);
    await workflowButton(editor, "publish").click();
    await expect.poll(() => articleState(editor), EVENTUALLY).toBe("已发布");
    await expect.poll(() => articleState(reporter), EVENTUALLY).toBe("已发布");
    // His own two actions brought his page each time: it never asked for itself again.
    expect(storyPageRequests.get("huhongye")).toBe(editorRequestsBefore);

    expect(trouble).toEqual([]);
  });
});
