import { createHash } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { addReviewEditors } from "../support/reviewDesk";
import { closeBrowserTest, describeInBrowser, EVENTUALLY, launchBrowser, personContext, READ_WAIT_MS, signInPage, text } from "../support/browser";
import { connectClient } from "../support/collabClient";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { api, createTeamStory, signIn } from "../support/session";
import { createStore, DEMO_PASSWORD, type ServerStore } from "../support/testServer";

const workflowButton = (page: Page, action: string) => page.locator(`[data-testid="workflow-panel"] button[data-action="${action}"]`);
const levelStatus = (page: Page, position: number) => page.getByTestId(`level-${position}`).getAttribute("data-status", { timeout: READ_WAIT_MS });

describeInBrowser("三审 in the browser: three editors sign three levels, the reader page shows the receipt", () => {
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

  /** A signed-in page of `username` on the story. */
  const openAs = async (username: string, url: string): Promise<Page> => {
    const context = await personContext(browser);
    contexts.push(context);
    const page = await signInPage(context, server.url, username, DEMO_PASSWORD);
    await page.goto(url);
    return page;
  };

  it("signs 初审, 复审, 终审 in order; an edit sends 初审 back with only that edit shown; 签发 and the receipt", async () => {
    // The admin sets the three levels in the console: a name and one signer each.
    const admin = await openAs("admin", `${server.url}/admin`);
    const form = admin.getByTestId("review-levels-form");
    const LEVELS = [
      ["初审", "fushen"],
      ["复审", "zhongshen"],
      ["终审", "huhongye"],
    ];
    for (const [i, [name, signer]] of LEVELS.entries()) {
      await form.getByTestId("review-level-add").click();
      const row = form.getByTestId("review-level-row").nth(i);
      await row.getByTestId("review-level-name").fill(name);
      await row.getByTestId(`review-level-signer-${signer}`).check();
    }
    await form.getByTestId("review-levels-save").click();
    await expect.poll(() => text(form.getByRole("status")), EVENTUALLY).toBe("审级已保存");
    const configured = await api<{ levels: { name: string; signers: { username: string }[] }[] }>(
      server.url,
      await signIn(server.url, "admin"),
      "GET",
      "/api/admin/review-levels",
    );
    expect(configured.body.levels.map((l) => [l.name, l.signers.map((s) => s.username).join()])).toEqual(LEVELS);
    const editorCookie = await signIn(server.url, "huhongye");
    const id = await createTeamStory(server.url, editorCookie, "岳麓山下的秋季读书会开幕");
    const reporterCookie = await signIn(server.url, "yaoyuchao");
    const reporter = connectClient(server.url, id, reporterCookie);
    await reporter.waitSynced();
    reporter.type("长沙市岳麓区今天举办秋季读书会,预计吸引市民约三百人参加。");
    await reporter.waitSaved();
    reporter.destroy();
    expect((await api(server.url, reporterCookie, "POST", `/api/articles/${id}/transitions`, { action: "submit" })).status).toBe(200);
    const url = `${server.url}/articles/${id}`;

    // 初审: the first editor sees only his level offered, and signs it.
    const first = await openAs("fushen", url);
    const signButton = first.getByTestId("signoff-button");
    await expect.poll(() => text(signButton), EVENTUALLY).toBe("签署“初审”");
    await signButton.click();
    await expect.poll(() => levelStatus(first, 1), EVENTUALLY).toBe("signed");
    expect(await text(first.getByTestId("level-1"))).toContain("复审编辑");
    expect(await signButton.count()).toBe(0);

    // The 终审 editor adds a sentence in the editor: 初审 is on old text now.
    const last = await openAs("huhongye", url);
    const body = last.getByTestId("body-editor");
    await expect.poll(() => text(body), EVENTUALLY).toContain("约三百人参加");
    // The desk suggests by default in 待审 (修订模式); this edit is a direct one, or 签发 would wait for it.
    const suggestMode = last.getByTestId("suggest-mode");
    await expect.poll(() => suggestMode.getAttribute("aria-pressed"), EVENTUALLY).toBe("true");
    await suggestMode.click();
    await expect.poll(() => suggestMode.getAttribute("aria-pressed"), EVENTUALLY).toBe("false");
    await body.click();
    await last.keyboard.press("ControlOrMeta+End");
    await last.keyboard.type("活动持续三天。");
    await expect.poll(() => text(last.getByTestId("save-status")).catch(() => ""), EVENTUALLY).toContain("已保存");

    // His page follows without a reload: the edit reaches his copy of the text, the panel reads again.
    await expect.poll(() => levelStatus(first, 1), EVENTUALLY).toBe("stale");
    expect(await text(first.getByTestId("level-1"))).toContain("需重新签");
    await first.getByTestId("changes-since-button").click();
    const diff = first.getByTestId("changes-since-signed").getByTestId("diff");
    await expect.poll(() => text(diff.locator("ins")), EVENTUALLY).toBe("活动持续三天。");
    expect(await diff.locator("ins").getAttribute("data-author")).toBe("胡红叶");
    expect(await diff.locator("del").count()).toBe(0);
    await expect.poll(() => text(signButton), EVENTUALLY).toBe("签署“初审”");
    await signButton.click();
    await expect.poll(() => levelStatus(first, 1), EVENTUALLY).toBe("signed");

    // 复审, then 终审 by the editor who then 签发 and publishes.
    const second = await openAs("zhongshen", url);
    await expect.poll(() => text(second.getByTestId("signoff-button")), EVENTUALLY).toBe("签署“复审”");
    await second.getByTestId("signoff-button").click();
    await expect.poll(() => levelStatus(second, 2), EVENTUALLY).toBe("signed");

    await last.reload();
    await expect.poll(() => text(last.getByTestId("signoff-button")), EVENTUALLY).toBe("签署“终审”");
    await last.getByTestId("signoff-button").click();
    await expect.poll(() => levelStatus(last, 3), EVENTUALLY).toBe("signed");
    await workflowButton(last, "approve").click();
    await expect.poll(() => text(last.getByTestId("article-state")), EVENTUALLY).toBe("已签发");
    last.once("dialog", (dialog) => void dialog.accept());
    await expect.poll(() => workflowButton(last, "publish").isVisible(), EVENTUALLY).toBe(true);
    await workflowButton(last, "publish").click();
    await expect.poll(() => text(last.getByTestId("article-state")), EVENTUALLY).toBe("已发布");
    const href = (await last.getByTestId("public-link").getAttribute("href"))!;

    // A reader who never signs in: the story and, under it, its receipt.
    const readerContext = await browser.newContext();
    contexts.push(readerContext);
    const reader = await readerContext.newPage();
    expect((await reader.goto(`${server.url}${href}`))?.status()).toBe(200);
    expect(await text(reader.locator("article .body"))).toContain("活动持续三天。");
    const shownHash = await text(reader.getByTestId("receipt-hash"));
    expect(await text(reader.getByTestId("receipt-signers"))).toBe("签署：初审：复审编辑 · 复审：终审编辑 · 终审：胡红叶");
    const receipt = (await (await fetch(`${server.url}${href}/receipt.json`)).json()) as { contentHash: string; content: string; auditHead: string };
    expect(shownHash).toBe(receipt.contentHash);
    expect(createHash("sha256").update(receipt.content, "utf8").digest("hex")).toBe(shownHash);
    expect(await text(reader.getByTestId("receipt-audit-head"))).toBe(receipt.auditHead);
  });
});
