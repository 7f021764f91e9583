import type { Page } from "playwright-core";

/** How long the editor may take to notice a new selection before placeInBody gives up (a deadline). */
const SELECTION_NOTICED_WITHIN_MS = 30_000;

/**
 * Puts the caret in the body editor: right after `phrase` (its first occurrence in one text
 * node), or around it (`select`). Resolves only once the editor has taken the new selection.
 *
 * Why it waits: a selection set by script reaches ProseMirror through the document's
 * `selectionchange` event, which Chromium fires as a separate, later task, while a key sent
 * right after (`keyboard.press`) is an input event that may run first. Under load (or CPU
 * throttling) the editor then handles the key with the old selection: a Backspace meant for the
 * new selection took back the last character just typed in 修订模式 instead (measured: 15 of 30
 * rounds at 6× throttling). ProseMirror's listener was registered when the editor started,
 * before ours, so when ours runs the editor has read the selection. `waitForEditor: false` leaves
 * that race open on purpose (a test of the editor's own guard against it).
 */
export async function placeInBody(page: Page, phrase: string, { select = false, waitForEditor = true } = {}): Promise<void> {
  await page.getByTestId("body-editor").evaluate(
    (root, { wanted, select, wait, within }) => {
      // Focusing may re-attach the editor's selection listener: do it before adding ours.
      (root as HTMLElement).focus();
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent?.indexOf(wanted) ?? -1;
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, select ? at : at + wanted.length);
        range.setEnd(node, at + wanted.length);
        const noticed = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no selectionchange within ${within} ms after placing the caret at "${wanted}"`)), within);
          document.addEventListener(
            "selectionchange",
            () => {
              clearTimeout(timer);
              resolve();
            },
            { once: true },
          );
        });
        const selection = window.getSelection()!;
        // Removing the old ranges first changes the selection even when the new one is equal,
        // so a selectionchange always follows.
        selection.removeAllRanges();
        selection.addRange(range);
        if (wait) return noticed;
        noticed.catch(() => {});
        return;
      }
      throw new Error(`"${wanted}" is not in the body`);
    },
    { wanted: phrase, select, wait: waitForEditor, within: SELECTION_NOTICED_WITHIN_MS },
  );
}

/** The body's words as a reader sees them (colleagues' carets and their name labels left out). */
export function bodyWords(page: Page): Promise<string> {
  return page.getByTestId("body-editor").evaluate((root) => {
    const copy = root.cloneNode(true) as HTMLElement;
    copy.querySelectorAll("[class*='caret']").forEach((caret) => caret.remove());
    return copy.textContent ?? "";
  });
}
