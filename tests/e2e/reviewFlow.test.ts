import { createHash } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bodyWords, placeInBody } from "../support/bodyCaret";
import { addReviewEditors, submittedStory } from "../support/reviewDesk";
import { closeBrowserTest, describeInBrowser, EVENTUALLY, launchBrowser, personContext, READ_WAIT_MS, signInPage, text } from "../support/browser";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { api, signIn } from "../support/session";
import { createStore, DEMO_PASSWORD, type ServerStore } from "../support/testServer";

const workflowButton = (page: Page, action: string) => page.locator(`[data-testid="workflow-panel"] button[data-action="${action}"]`);
const levelStatus = (page: Page, position: number) => page.getByTestId(`level-${position}`).getAttribute("data-status", { timeout: READ_WAIT_MS });
const articleState = (page: Page) => text(page.getByTestId("article-state"));

const TITLE = "岳麓山下的秋季读书会开幕";
const STORY = "长沙市岳麓区今天举办秋季读书会，预计吸引市民约三百人参加。";
/** STORY once the reporter accepted the deletion of 今天 and rejected the insertion of 活动. */
const DECIDED = "长沙市岳麓区举办秋季读书会，预计吸引市民约三百人参加。";
/** 三审 as the tests configure it: a level name and the one editor who may sign it. */
const LEVELS = [
  ["初审", "fushen"],
  ["复审", "zhongshen"],
  ["终审", "huhongye"],
] as const;

describeInBrowser("the whole review flow in the browser (issue 14's Must show)", () => {
  let store: ServerStore;
  let server: InProcessServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    store = await createStore("pglite");
    await addReviewEditors(store);
    server = await startInProcessServer(store);
    browser = await launchBrowser();
  });

  afterAll(() => closeBrowserTest({ contexts, browser, server, store }));

  /** A signed-in page of `username` (a browser context of its own) on `url`. */
  const openAs = async (username: string, url: string): Promise<Page> => {
    const context = await personContext(browser);
    contexts.push(context);
    const page = await signInPage(context, server.url, username, DEMO_PASSWORD);
    await page.goto(url);
    return page;
  };

  it("comment and two suggestions, 退回修改, reply + resolve + accept/reject, resubmit, 三审, 签发, 发布, receipt", async () => {
    // Three levels, each signed by a different editor (the admin console's form has its own e2e).
    const adminCookie = await signIn(server.url, "admin");
    const levels = LEVELS.map(([name, signer]) => ({ name, signers: [signer] }));
    expect((await api(server.url, adminCookie, "PUT", "/api/admin/review-levels", { levels })).status).toBe(200);

    // The reporter's first draft, submitted.
    const id = await submittedStory(server.url, TITLE, STORY);
    const url = `${server.url}/articles/${id}`;

    // The 终审 editor reviews: a comment on the figure...
    const editor = await openAs("huhongye", url);
    const reporter = await openAs("yaoyuchao", url);
    await expect.poll(() => text(editor.getByTestId("body-editor")), EVENTUALLY).toContain("约三百人");
    await placeInBody(editor, "约三百人", { select: true });
    await expect.poll(() => editor.getByTestId("comment-add").isEnabled(), EVENTUALLY).toBe(true);
    await editor.getByTestId("comment-add").click();
    await editor.getByTestId("comment-input").fill("人数请再核实");
    await editor.getByTestId("comment-send").click();
    const editorThread = editor.getByTestId("comment-margin").getByTestId("comment-thread");
    await expect.poll(() => text(editorThread), EVENTUALLY).toContain("人数请再核实");

    // ...and two suggestions in 修订模式 (on by default when reviewing): an insertion and a deletion.
    await expect.poll(() => editor.getByTestId("suggest-mode").getAttribute("aria-pressed"), EVENTUALLY).toBe("true");
    await placeInBody(editor, "读书会");
    await editor.keyboard.type("活动");
    await placeInBody(editor, "今天", { select: true });
    await editor.keyboard.press("Backspace");
    await expect.poll(() => editor.locator(".body-editor ins.suggest-insert").allInnerTexts(), EVENTUALLY).toEqual(["活动"]);
    await expect.poll(() => editor.locator(".body-editor del.suggest-delete").allInnerTexts(), EVENTUALLY).toEqual(["今天"]);
    await expect.poll(() => editor.getByTestId("suggestion").count(), EVENTUALLY).toBe(2);
    await expect.poll(() => text(editor.getByTestId("save-status")).catch(() => ""), EVENTUALLY).toBe("已保存");

    // 签发 is not offered while the story waits for the reporter; the editor sends it back.
    await editor.getByRole("button", { name: "退回修改…", exact: true }).click();
    await editor.locator('textarea[name="note"]').fill("请核实人数并处理修订");
    await workflowButton(editor, "request_changes").click();
    await expect.poll(() => articleState(editor), EVENTUALLY).toBe("退回修改");

    // The reporter: the note, the thread beside the text and the suggestions to decide.
    await expect.poll(() => articleState(reporter), EVENTUALLY).toBe("退回修改");
    await reporter.reload();
    await expect.poll(() => text(reporter.getByTestId("changes-note")), EVENTUALLY).toContain("请核实人数并处理修订");
    const reporterThread = reporter.getByTestId("comment-margin").getByTestId("comment-thread");
    await expect.poll(() => text(reporterThread), EVENTUALLY).toContain("人数请再核实");
    await reporterThread.getByTestId("reply-input").fill("已向主办方核实,约三百人无误");
    await reporterThread.getByTestId("reply-send").click();
    await expect.poll(() => text(editorThread), EVENTUALLY).toContain("已向主办方核实,约三百人无误");
    await reporterThread.getByTestId("thread-resolve").click();
    for (const page of [reporter, editor]) {
      await expect.poll(() => page.getByTestId("comment-list").getByTestId("thread-resolved").count(), EVENTUALLY).toBe(1);
    }

    await expect.poll(() => reporter.getByTestId("suggestion").count(), EVENTUALLY).toBe(2);
    const insertion = reporter.locator('[data-testid="suggestion"][data-kind="insert"]');
    const deletion = reporter.locator('[data-testid="suggestion"][data-kind="delete"]');
    expect(await text(insertion)).toContain("胡红叶");
    await insertion.getByTestId("reject-suggestion").click();
    await expect.poll(() => reporter.getByTestId("suggestion").count(), EVENTUALLY).toBe(1);
    await deletion.getByTestId("accept-suggestion").click();
    await expect.poll(() => reporter.getByTestId("no-suggestions").isVisible(), EVENTUALLY).toBe(true);
    for (const page of [reporter, editor]) await expect.poll(() => bodyWords(page), EVENTUALLY).toBe(DECIDED);
    await expect.poll(() => text(reporter.getByTestId("save-status")).catch(() => ""), EVENTUALLY).toBe("已保存");

    // She sends it in again.
    await expect.poll(() => workflowButton(reporter, "submit").isVisible(), EVENTUALLY).toBe(true);
    await workflowButton(reporter, "submit").click();
    await expect.poll(() => articleState(reporter), EVENTUALLY).toBe("待审");

    // 三审: each level signed in its editor's browser, in order. The pages already open follow
    // every sign-off live (the story's event stream), without a reload.
    const first = await openAs("fushen", url);
    await expect.poll(() => text(first.getByTestId("signoff-button")), EVENTUALLY).toBe("签署“初审”");
    await first.getByTestId("signoff-button").click();
    await expect.poll(() => levelStatus(first, 1), EVENTUALLY).toBe("signed");
    for (const page of [editor, reporter]) await expect.poll(() => levelStatus(page, 1), EVENTUALLY).toBe("signed");
    const second = await openAs("zhongshen", url);
    await expect.poll(() => text(second.getByTestId("signoff-button")), EVENTUALLY).toBe("签署“复审”");
    await second.getByTestId("signoff-button").click();
    await expect.poll(() => levelStatus(second, 2), EVENTUALLY).toBe("signed");
    for (const page of [first, editor, reporter]) await expect.poll(() => levelStatus(page, 2), EVENTUALLY).toBe("signed");
    await expect.poll(() => text(editor.getByTestId("signoff-button")), EVENTUALLY).toBe("签署“终审”");
    await editor.getByTestId("signoff-button").click();
    await expect.poll(() => levelStatus(editor, 3), EVENTUALLY).toBe("signed");

    // The checks passed for this text; 签发, then 发布 once confirmed.
    await expect.poll(() => text(editor.getByTestId("checks-verdict")).catch((err: Error) => `no verdict yet: ${err.message}`), EVENTUALLY).toBe("检查通过（或已豁免）");
    await workflowButton(editor, "approve").click();
    await expect.poll(() => articleState(editor), EVENTUALLY).toBe("已签发");
    let confirmation = "";
    editor.once("dialog", (dialog) => {
      confirmation = dialog.message();
      void dialog.accept();
    });
    await expect.poll(() => workflowButton(editor, "publish").isVisible(), EVENTUALLY).toBe(true);
    await workflowButton(editor, "publish").click();
    await expect.poll(() => articleState(editor), EVENTUALLY).toBe("已发布");
    expect(confirmation).toContain("确定立即发布");
    const href = (await editor.getByTestId("public-link").getAttribute("href"))!;

    // A reader who never signs in: the decided text and, under it, the receipt anyone can check.
    const readerContext = await personContext(browser);
    contexts.push(readerContext);
    const reader = await readerContext.newPage();
    expect((await reader.goto(`${server.url}${href}`))?.status()).toBe(200);
    expect(await text(reader.locator("article .body"))).toContain(DECIDED);
    const shownHash = await text(reader.getByTestId("receipt-hash"));
    expect(await text(reader.getByTestId("receipt-signers"))).toBe("签署：初审：复审编辑 · 复审：终审编辑 · 终审：胡红叶");
    const receipt = (await (await fetch(`${server.url}${href}/receipt.json`)).json()) as { contentHash: string; content: string; auditHead: string };
    expect(shownHash).toBe(receipt.contentHash);
    expect(receipt.content).toContain(DECIDED);
    expect(createHash("sha256").update(receipt.content, "utf8").digest("hex")).toBe(shownHash);
    expect(await text(reader.getByTestId("receipt-audit-head"))).toBe(receipt.auditHead);
  });
});
