import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { placeInBody } from "../support/bodyCaret";
import { submittedStory } from "../support/reviewDesk";
import { describeInBrowser, EVENTUALLY, launchBrowser, personContext, signInPage, text } from "../support/browser";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { createStore, DEMO_PASSWORD, type ServerStore } from "../support/testServer";

/** Chromium's CPU slowdown: the load under which typing then Backspace once went wrong. */
const CPU_SLOWDOWN = 6;
const WORDS = ["活动", "会议", "新闻", "记者", "编辑", "稿件", "标题", "图片", "评论", "修订", "审核", "签发", "退回", "版本", "历史", "作者", "读者", "城市", "公园", "学校"];
const two = (i: number) => String(i).padStart(2, "0");
/** One sentence per word: the word goes after 展台NN号, and 馆NN is then suggested for deletion. */
const STORY = WORDS.map((_, i) => `展台${two(i)}号有书馆${two(i)}。`).join("");

/** A run of the body's text and the suggestion marks on it, as the editor's state holds it. */
interface Run {
  text: string;
  insert: { id: string; author: string } | null;
  remove: { id: string; author: string } | null;
}

/**
 * The editor, 胡红叶, reviews a submitted story in 修订模式 at a CPU slowdown: for every word,
 * the caret after 展台NN号, the word typed, 馆NN selected and Backspace at once (as the review
 * tests do). Then checks the editor's state: every word whole in one insertion of hers, every
 * 馆NN suggested for deletion, nothing else changed.
 */
async function reviewWords(server: InProcessServer, browser: Browser, title: string, waitForEditor: boolean): Promise<void> {
  const context = await personContext(browser);
  try {
    await reviewWordsIn(server, context, title, waitForEditor);
  } finally {
    await context.close().catch(() => {});
  }
}

async function reviewWordsIn(server: InProcessServer, context: BrowserContext, title: string, waitForEditor: boolean): Promise<void> {
  const id = await submittedStory(server.url, title, STORY);

  const page = await signInPage(context, server.url, "huhongye", DEMO_PASSWORD);
  await page.goto(`${server.url}/articles/${id}`);
  await expect.poll(() => text(page.getByTestId("body-editor")), EVENTUALLY).toContain(`展台${two(WORDS.length - 1)}号`);
  await expect.poll(() => page.getByTestId("suggest-mode").getAttribute("aria-pressed"), EVENTUALLY).toBe("true");

  // Type, move the selection and press Backspace at once, as the review tests do.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  for (const [i, word] of WORDS.entries()) {
    await placeInBody(page, `展台${two(i)}号`, { waitForEditor });
    await page.keyboard.type(word);
    await placeInBody(page, `馆${two(i)}`, { select: true, waitForEditor });
    await page.keyboard.press("Backspace");
  }
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  await expect.poll(() => text(page.getByTestId("save-status")).catch(() => ""), EVENTUALLY).toBe("已保存");

  // The editor's state (Tiptap keeps the editor on its element), run by run.
  const runs: Run[] = await page.getByTestId("body-editor").evaluate((root) => {
    type Json = { type: string; text?: string; marks?: { type: string; attrs: { id: string; author: string } }[]; content?: Json[] };
    const editor = (root as unknown as { editor: { getJSON(): Json } }).editor;
    const out: Run[] = [];
    const mark = (node: Json, type: string) => {
    const found = node.marks?.find((m) => m.type === type);
    return found ? { id: found.attrs.id, author: found.attrs.author } : null;
    };
    const walk = (node: Json) => {
    if (node.type === "text") out.push({ text: node.text ?? "", insert: mark(node, "suggestInsert"), remove: mark(node, "suggestDelete") });
    for (const child of node.content ?? []) walk(child);
    };
    walk(editor.getJSON());
    return out;
  });

  // Nothing typed went in unmarked or got lost: outside the insertions stands the story as it was.
  expect(runs.filter((r) => !r.insert).map((r) => r.text).join("")).toBe(STORY);
  const body = runs.map((r) => r.text).join("");
  const author = runs.find((r) => r.insert)?.insert?.author;
  expect(author).toBeTruthy();
  const wrong: string[] = [];
  for (const [i, word] of WORDS.entries()) {
    // Every word: after its anchor, both characters in one insertion (one id) by the typist...
    const start = body.indexOf(`展台${two(i)}号`) + `展台${two(i)}号`.length;
    const at = (offset: number) => {
    let seen = 0;
    for (const run of runs) {
      if (offset < seen + run.text.length) return { char: run.text[offset - seen], ...run };
      seen += run.text.length;
    }
    return null;
    };
    const [first, second] = [at(start), at(start + 1)];
    const whole = first?.char === word[0] && second?.char === word[1] && first.insert?.author === author && first.insert?.id === second.insert?.id;
    // ...and the Backspace after it suggested deleting 馆NN, the selection it was pressed on.
    const removed = body.indexOf(`馆${two(i)}`);
    const deletion = [at(removed), at(removed + 1), at(removed + 2)].every((c) => c?.remove?.author === author);
    if (!whole || !deletion) wrong.push(`${word}: ${JSON.stringify([first, second])} 馆${two(i)} deleted: ${deletion}`);
  }
  expect(wrong).toEqual([]);
}

describeInBrowser("typing in 修订模式 on a slow machine", () => {
  let store: ServerStore;
  let server: InProcessServer;
  let browser: Browser;

  beforeAll(async () => {
    store = await createStore("pglite");
    server = await startInProcessServer(store);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    await store?.dispose();
  });

  it("every word typed lands whole in one suggestion, and the Backspace right after it suggests deleting the new selection", async () => {
    await reviewWords(server, browser, "展台", true);
  });

  it("a Backspace pressed before the editor has seen the selection move still acts on the new selection (the editor reads it first)", async () => {
    await reviewWords(server, browser, "展台二", false);
  });
});
