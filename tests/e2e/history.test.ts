import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowser, EVENTUALLY, launchBrowser, personContext, READ_WAIT_MS, signInPage, text } from "../support/browser";
import { storyline } from "../support/storyline";
import { connectClient } from "../support/collabClient";
import { createTeamStory, signIn } from "../support/session";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { createStore, DEMO_PASSWORD, type ServerStore } from "../support/testServer";
import { sleep } from "../support/wait";


/** The text a user sees in one element; throws (and expect.poll retries) while it is not there yet. */

/** Whether the body editor takes typing (Tiptap sets contenteditable from the live access). */
const writable = async (page: Page) => (await page.getByTestId("body-editor").getAttribute("contenteditable")) === "true";

/** The insertions in the comparison on a history page: their text and the author they name. */
const insertions = (page: Page) =>
  page
    .locator('[data-testid="diff"] ins.diff-ins')
    .evaluateAll((elements) => elements.map((e) => ({ text: e.textContent ?? "", author: e.getAttribute("data-author") })));

/** One entry of the version list, found by the name it shows. */
const versionEntry = (page: Page, name: string) =>
  page.getByTestId("version-list").locator("li", { has: page.locator("strong", { hasText: name }) });

/** The value of the compare select's option for the version with this name. */
const optionValue = async (select: Locator, name: string) => {
  const value = await select.locator("option", { hasText: name }).getAttribute("value", { timeout: READ_WAIT_MS });
  if (!value) throw new Error(`no option for ${name}`);
  return value;
};

/** The time-travel slider is set the way a drag ends: a new value, then input and change events. */
const setSlider = (slider: Locator, value: string) => slider.fill(value);


describeInBrowser("revision history in real browsers: versions, comparison, time travel, restore", () => {
  // Each test continues the story the one before told; run alone, it tells that part first.
  const story = storyline();
  let store: ServerStore;
  let server: InProcessServer;
  let browser: Browser;
  let contextA: BrowserContext; // 姚宇超
  let contextB: BrowserContext; // 徐卫香
  let pageA: Page;
  let pageB: Page; // B's editor, left open to the end
  let historyB: Page; // B's history page, in a second tab
  let articleUrl: string;
  let historyUrl: string;
  const TITLE = "橘子洲头的周末音乐会";
  const LEAD = "姚宇超写的导语。";
  const ADDITION = "徐卫香的补充。";
  const dialogs: string[] = [];

  beforeAll(async () => {
    store = await createStore("pglite");
    // No automatic checkpoints during the test: only the versions people name appear.
    server = await startInProcessServer(store, { HISTORY_CHECKPOINT_PAUSE_MS: "600000" });
    browser = await launchBrowser();
    contextA = await personContext(browser);
    contextB = await personContext(browser);
    for (const context of [contextA, contextB]) {
      // Restoring asks "把草稿恢复为…吗?": the person says yes.
      context.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.accept();
      });
    }
    const desk = await signIn(server.url, "huhongye");
    const id = await createTeamStory(server.url, desk, TITLE);
    articleUrl = `${server.url}/articles/${id}`;
    historyUrl = `${articleUrl}/history`;
  });

  afterAll(async () => {
    await contextA?.close().catch(() => {});
    await contextB?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.stop();
    await store?.dispose();
  });

  it("a reporter writes the lead and saves it as version 第一稿", story.then(async () => {
    pageA = await signInPage(contextA, server.url, "yaoyuchao", DEMO_PASSWORD);
    await pageA.goto(articleUrl);
    await expect.poll(() => text(pageA.getByTestId("title-editor")), EVENTUALLY).toContain(TITLE);
    await expect.poll(() => writable(pageA), EVENTUALLY).toBe(true);

    const body = pageA.getByTestId("body-editor");
    await body.click();
    await pageA.keyboard.press("Control+End");
    await pageA.keyboard.type(LEAD);
    await expect.poll(() => text(body), EVENTUALLY).toContain(LEAD);
    await expect.poll(() => text(pageA.getByTestId("save-status")), EVENTUALLY).toBe("已保存");

    await pageA.getByTestId("history-link").click();
    await pageA.waitForURL(historyUrl);
    await pageA.getByRole("textbox", { name: "版本名称", exact: true }).fill("第一稿");
    await pageA.getByRole("button", { name: "保存版本", exact: true }).click();
    await expect.poll(() => versionEntry(pageA, "第一稿").count(), EVENTUALLY).toBe(1);
    // The form is cleared for the next version.
    await expect.poll(() => pageA.getByRole("textbox", { name: "版本名称", exact: true }).inputValue(), EVENTUALLY).toBe("");
  }));

  it("a correspondent adds a sentence and saves version 第二稿", story.then(async () => {
    pageB = await signInPage(contextB, server.url, "xuweixiang", DEMO_PASSWORD);
    await pageB.goto(articleUrl);
    const body = pageB.getByTestId("body-editor");
    await expect.poll(() => text(body), EVENTUALLY).toContain(LEAD);
    await expect.poll(() => writable(pageB), EVENTUALLY).toBe(true);

    await body.click();
    await pageB.keyboard.press("Control+End");
    await pageB.keyboard.type(ADDITION);
    await expect.poll(() => text(body), EVENTUALLY).toContain(LEAD + ADDITION);
    await expect.poll(() => text(pageB.getByTestId("save-status")), EVENTUALLY).toBe("已保存");

    // The history page in a second tab, so her editor stays open.
    const href = await pageB.getByTestId("history-link").getAttribute("href");
    expect(href).toBe(new URL(historyUrl).pathname);
    historyB = await contextB.newPage();
    await historyB.goto(`${server.url}${href}`);
    await expect.poll(() => versionEntry(historyB, "第一稿").count(), EVENTUALLY).toBe(1);
    await historyB.getByRole("textbox", { name: "版本名称", exact: true }).fill("第二稿");
    await historyB.getByRole("button", { name: "保存版本", exact: true }).click();
    await expect.poll(() => versionEntry(historyB, "第二稿").count(), EVENTUALLY).toBe(1);
    // The list shows who edited this version.
    await expect.poll(() => text(versionEntry(historyB, "第二稿")), EVENTUALLY).toContain("徐卫香");
  }));

  it("comparing 第一稿 with 第二稿 marks the added sentence as 徐卫香's, inline and side by side", story.then(async () => {
    await pageA.reload();
    await expect.poll(() => versionEntry(pageA, "第二稿").count(), EVENTUALLY).toBe(1);
    const from = pageA.getByRole("combobox", { name: "对比起点", exact: true });
    const to = pageA.getByRole("combobox", { name: "对比终点", exact: true });
    const first = await optionValue(from, "第一稿");
    const second = await optionValue(to, "第二稿");
    await from.selectOption(first);
    await to.selectOption(second);
    expect([await from.inputValue(), await to.inputValue()]).toEqual([first, second]);
    await expect.poll(() => insertions(pageA), EVENTUALLY).toContainEqual({ text: ADDITION, author: "徐卫香" });
    // The lead was already in 第一稿: nothing of it is marked as changed.
    expect((await insertions(pageA)).map((i) => i.text).join("")).not.toContain(LEAD);
    expect(await pageA.locator('[data-testid="diff"] del.diff-del').count()).toBe(0);

    const authors = pageA.getByTestId("diff-authors");
    await expect.poll(() => text(authors), EVENTUALLY).toContain("徐卫香");
    expect(await text(authors)).toContain(`+${ADDITION.length}`);
    expect(await text(authors)).not.toContain("姚宇超");

    await pageA.getByRole("button", { name: "并排对比", exact: true }).click();
    const inserted = pageA.locator('[data-testid="diff"] ins.diff-ins', { hasText: ADDITION });
    await expect.poll(() => pageA.locator(".diff-block.split").count(), EVENTUALLY).toBeGreaterThan(0);
    await expect.poll(() => inserted.isVisible(), EVENTUALLY).toBe(true);
    expect(await inserted.getAttribute("data-author")).toBe("徐卫香");
    // Side by side, the old column has the lead without the addition; the new one has both.
    expect(await text(pageA.locator(".diff-block.split .old").first())).toBe(LEAD);
    expect(await text(pageA.locator(".diff-block.split .new").first())).toBe(LEAD + ADDITION);
  }));

  it("time travel shows the story before and after the addition", story.then(async () => {
    const slider = pageA.getByTestId("time-slider");
    const moment = pageA.getByTestId("moment");
    const travel = pageA.getByRole("region", { name: "时间回溯", exact: true });
    const min = (await slider.getAttribute("min"))!;
    const max = (await slider.getAttribute("max"))!;
    expect(Number(max)).toBeGreaterThan(Number(min));
    // It opens at the latest change.
    await expect.poll(() => text(moment), EVENTUALLY).toContain(LEAD + ADDITION);

    await setSlider(slider, min);
    await expect.poll(() => text(travel), EVENTUALLY).toContain(`第 ${Number(min) + 1} / ${Number(max) + 1} 次改动`);
    await expect.poll(() => text(moment), EVENTUALLY).not.toContain(ADDITION);
    expect(await text(moment)).toContain(TITLE);

    await setSlider(slider, max);
    await expect.poll(() => text(travel), EVENTUALLY).toContain(`第 ${Number(max) + 1} / ${Number(max) + 1} 次改动`);
    await expect.poll(() => text(moment), EVENTUALLY).toContain(LEAD + ADDITION);
  }));

  it("restoring 第一稿 takes the addition out of the open editor and adds a restore version", story.then(async () => {
    await versionEntry(pageA, "第一稿").getByRole("button", { name: "恢复此版本", exact: true }).click();
    // She was asked first, about the version she picked.
    await expect.poll(() => dialogs.join("\n"), EVENTUALLY).toContain("第一稿");

    // 徐卫香's editor, open all along, follows live.
    const bodyB = pageB.getByTestId("body-editor");
    await expect.poll(() => text(bodyB), EVENTUALLY).not.toContain(ADDITION);
    expect(await text(bodyB)).toContain(LEAD);

    // The restore is itself a version, named after what it brought back.
    const restored = versionEntry(pageA, "恢复到：第一稿");
    await expect.poll(() => restored.count(), EVENTUALLY).toBe(1);
    expect(await text(restored.locator("span.muted").first())).toBe("恢复");
    // Nothing went wrong on the history page.
    expect(await pageA.locator(".history p.error").count()).toBe(0);
  }));

  it("显示作者 asks for the authors once, and again only when someone new writes (no polling)", story.then(async () => {
    let asked = 0;
    pageB.on("request", (request) => {
      if (new URL(request.url()).pathname.endsWith("/authors")) asked += 1;
    });
    await pageB.getByTestId("show-authors").check();
    await expect.poll(() => asked, EVENTUALLY).toBe(1);
    // Longer than the old 8-second poll: with nobody new writing, nothing is asked again.
    await sleep(9_000);
    expect(asked).toBe(1);

    // A colleague writes from a client id the page has not seen: the page asks once more.
    const zhoumi = connectClient(server.url, new URL(articleUrl).pathname.split("/").pop()!, await signIn(server.url, "zhoumi"));
    await zhoumi.waitSynced();
    zhoumi.type("周汨的一句。");
    await zhoumi.waitSaved(60_000);
    await expect.poll(() => text(pageB.getByTestId("body-editor")), EVENTUALLY).toContain("周汨的一句。");
    await expect.poll(() => asked, EVENTUALLY).toBe(2);
    zhoumi.destroy();
  }));
});
