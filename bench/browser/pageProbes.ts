/**
 * Code run inside the pages, kept as plain JavaScript source: functions compiled by tsx can
 * carry helper calls that do not exist in the page. Times are taken in the browser as
 * performance.timeOrigin + performance.now(): both pages live in one Chromium on one machine,
 * so they share a clock, and no DevTools round trip sits between an event and its timestamp.
 */

/** Installed before any page script: when (ms since navigation start) the body editor became editable. */
export const LOAD_PROBE = `
window.__bench = { editableAt: null, keydowns: [], arrivals: [], mutations: [], updatesSent: [], updatesReceived: [] };
// Where a keystroke's time goes: when this page sends, and when it starts handling, each Yjs
// document update on the collaboration socket (y-websocket: sync message 0, update 2). A
// listener added here, before the provider's onmessage, fires first: the time is the moment
// the page's event loop takes up the message.
(() => {
  const Native = window.WebSocket;
  const isUpdate = (data) => data instanceof ArrayBuffer ? isUpdateBytes(new Uint8Array(data)) : ArrayBuffer.isView(data) && isUpdateBytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  const isUpdateBytes = (bytes) => bytes.length > 1 && bytes[0] === 0 && bytes[1] === 2;
  const now = () => performance.timeOrigin + performance.now();
  class Probed extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => { if (isUpdate(event.data)) window.__bench.updatesReceived.push(now()); });
    }
    send(data) {
      if (isUpdate(data)) window.__bench.updatesSent.push(now());
      return super.send(data);
    }
  }
  window.WebSocket = Probed;
})();
new MutationObserver(() => {
  const el = document.querySelector('[data-testid="body-editor"]');
  if (window.__bench.editableAt === null && el && el.getAttribute("contenteditable") === "true") {
    window.__bench.editableAt = performance.now();
  }
}).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["contenteditable"] });
`;

/** On the typing page: the moment each key goes down. */
export const RECORD_KEYDOWNS = `
document.addEventListener("keydown", () => window.__bench.keydowns.push(performance.timeOrigin + performance.now()), { capture: true });
`;

/**
 * On the watching page: the frame in which each new character is painted. Other people's
 * carets are DOM widgets with a name label, so their text is not counted.
 */
export const RECORD_ARRIVALS = `
(() => {
  const editor = document.querySelector('[data-testid="body-editor"]');
  const typedLength = () => {
    let n = 0;
    const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement || !node.parentElement.closest(".collaboration-carets__caret")) n += node.textContent.length;
    }
    return n;
  };
  let seen = typedLength();
  new MutationObserver(() => {
    const now = typedLength();
    if (now <= seen) return;
    const arrived = now - seen;
    seen = now;
    const changedAt = performance.timeOrigin + performance.now();
    for (let i = 0; i < arrived; i++) window.__bench.mutations.push(changedAt);
    // The next animation frame is the one that paints the change.
    requestAnimationFrame(() => {
      const at = performance.timeOrigin + performance.now();
      for (let i = 0; i < arrived; i++) window.__bench.arrivals.push(at);
    });
  }).observe(editor, { subtree: true, childList: true, characterData: true });
})();
`;

/** The body text a reader sees, without other people's caret labels. */
export const BODY_TEXT = `
(() => {
  const editor = document.querySelector('[data-testid="body-editor"]');
  let text = "";
  const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement || !node.parentElement.closest(".collaboration-carets__caret")) text += node.textContent;
  }
  return text;
})()
`;
