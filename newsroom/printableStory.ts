import type { StoryContentSnapshot } from "./canonicalContent";
import { bylineLine } from "./publicationFormat";
import { escapeHtml, renderStoryBody } from "./storyHtml";

const STYLE = `body{margin:0;color:#111;font-family:"Songti SC","Noto Serif CJK SC","SimSun",serif;background:#f3f4f6}
main{max-width:720px;margin:24px auto;padding:40px 48px;background:#fff;line-height:1.9;font-size:16px}
h1{font-size:26px;line-height:1.4;text-align:center;margin:0 0 8px}.byline{text-align:center;color:#444;font-size:14px;margin:0 0 24px}
h2,h3{font-size:18px;margin:24px 0 6px}p{text-indent:2em;margin:0 0 8px}figure{margin:16px 0;text-align:center;break-inside:avoid}
figure img{max-width:100%;height:auto}figcaption{font-size:14px;color:#444;text-indent:0}blockquote{margin:0 0 8px 2em}
.hint{max-width:720px;margin:16px auto 0;color:#555;font-size:14px;font-family:sans-serif}
@media print{@page{size:A4;margin:20mm 18mm}body{background:#fff}main{margin:0;padding:0;max-width:none}.hint{display:none}a{color:inherit;text-decoration:none}}`;

/**
 * A story as a print-friendly page (issue 13): A4 margins, serif type, photos kept with their
 * captions, nothing but the story when printed. Text is escaped and the body goes through the
 * same whitelist renderer as the public page.
 */
export function renderPrintableStory(content: StoryContentSnapshot): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(content.title)} - 打印</title><style>${STYLE}</style></head><body><p class="hint">按 Ctrl+P（Mac 上 ⌘+P）打印或存为 PDF。</p><main><article><h1>${escapeHtml(content.title)}</h1><p class="byline">${escapeHtml(bylineLine(content.byline, content.dateline))}</p><div class="body">${renderStoryBody(content.body)}</div></article></main></body></html>`;
}
