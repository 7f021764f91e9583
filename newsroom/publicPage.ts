import type { BylinePerson } from "./byline";
import type { PmNode } from "./canonicalContent";
import { bylineLine, footerLines, OUTLET } from "./publicationFormat";
import { escapeHtml, renderStoryBody } from "./storyHtml";

/** No scripts at all, no plugins, images from anywhere over http(s), styles only inline here. */
export const PUBLIC_PAGE_CSP =
  "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STYLE = `body{margin:0;background:#fff;color:#222;font-family:"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif}
main{max-width:760px;margin:0 auto;padding:32px 20px 64px;line-height:1.9;font-size:18px}
h1{font-size:30px;line-height:1.4;margin:0 0 12px}.byline{color:#555;font-size:15px;margin-bottom:24px}
h2,h3{font-size:20px;margin:28px 0 8px}figure{margin:24px 0;text-align:center}figure img{max-width:100%;height:auto}figcaption .credit{color:#777;font-size:14px}
figcaption{font-size:15px;color:#555}blockquote{border-left:3px solid #ddd;margin:0;padding-left:14px;color:#444}
.correction{background:#fff7ed;border:1px solid #fed7aa;padding:10px 14px;font-size:15px;margin-bottom:20px}
footer{margin-top:36px;color:#555;font-size:15px;border-top:1px solid #eee;padding-top:14px}footer p{margin:4px 0}
.notice{text-align:center;padding:80px 20px;color:#555}`;

function page(title: string, main: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${main}</main></body></html>`;
}

export interface PublicStoryView {
  title: string;
  body: PmNode;
  byline: BylinePerson[];
  dateline: string;
  editorName: string | null;
  publishedAt: string;
  correction: { note: string; date: string } | null;
}

/** The published story in the shape of the sample article: title, byline, body, footer. */
export function renderPublicStory(story: PublicStoryView): string {
  const correction = story.correction
    ? `<p class="correction"><strong>更正</strong>(${escapeHtml(story.correction.date)}):${escapeHtml(story.correction.note)}</p>`
    : "";
  const footer = footerLines(story.byline, story.editorName)
    .map((line) => `<p>${escapeHtml(line)}</p>`)
    .join("");
  return page(
    `${story.title} - ${OUTLET}`,
    `<article><h1>${escapeHtml(story.title)}</h1><p class="byline">${escapeHtml(bylineLine(story.byline, story.dateline))}<br><time>${escapeHtml(story.publishedAt)}</time></p>${correction}<div class="body">${renderStoryBody(story.body)}</div><footer>${footer}</footer></article>`,
  );
}

/** The page a withdrawn story's address shows (with status 410). */
export function renderWithdrawnNotice(): string {
  return page(`稿件已撤回 - ${OUTLET}`, `<p class="notice">该稿件已撤回,无法继续访问。</p>`);
}
