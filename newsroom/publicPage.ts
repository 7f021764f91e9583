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
.receipt{margin-top:20px;color:#666;font-size:13px;word-break:break-all}.receipt p{margin:2px 0}.receipt em{font-style:normal;font-family:monospace}
footer{margin-top:36px;color:#555;font-size:15px;border-top:1px solid #eee;padding-top:14px}footer p{margin:4px 0}
.notice{text-align:center;padding:80px 20px;color:#555}.notice .reason{display:block;margin-top:12px;color:#222}
.masthead{border-bottom:3px solid #b91c1c;background:#fff}.masthead nav{max-width:760px;margin:0 auto;padding:12px 20px;display:flex;gap:18px;align-items:baseline}
.masthead .brand{color:#b91c1c;font-weight:700;font-size:22px;text-decoration:none}.masthead a{color:#555;text-decoration:none;font-size:15px}`;

/** What a page tells search engines and link previews (issue 13: meta, `og:`, canonical). */
export interface PageMeta {
  /** The page's absolute address under PUBLIC_URL. */
  canonicalUrl: string;
  description: string;
  /** The site's origin (PUBLIC_URL), for the masthead's links. */
  siteUrl: string;
  /** The story's own title (the tab's title also names the outlet). */
  title: string;
}

function headTags(meta: PageMeta | null): string {
  if (!meta) return "";
  const attr = (value: string) => escapeHtml(value);
  return [
    `<meta name="description" content="${attr(meta.description)}">`,
    `<link rel="canonical" href="${attr(meta.canonicalUrl)}">`,
    `<meta property="og:type" content="article">`,
    `<meta property="og:site_name" content="${OUTLET}">`,
    `<meta property="og:title" content="${attr(meta.title)}">`,
    `<meta property="og:description" content="${attr(meta.description)}">`,
    `<meta property="og:url" content="${attr(meta.canonicalUrl)}">`,
    `<link rel="alternate" type="application/atom+xml" title="${OUTLET}" href="${attr(meta.siteUrl)}/news/feed.xml">`,
  ].join("");
}

/** The outlet's masthead: its name and the feed (the public site has no other pages yet). */
function masthead(siteUrl: string | null): string {
  const base = siteUrl ? escapeHtml(siteUrl) : "";
  return `<header class="masthead"><nav><a class="brand" href="${base}/news/feed.xml">${OUTLET}</a><a href="${base}/news/feed.xml">最新稿件（订阅）</a></nav></header>`;
}

function page(title: string, main: string, meta: PageMeta | null = null): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>${headTags(meta)}<link rel="icon" href="/favicon.ico"><style>${STYLE}</style></head><body>${masthead(meta?.siteUrl ?? null)}<main>${main}</main></body></html>`;
}

/**
 * A page's description: the start of its text, whitespace folded, at most `max` characters.
 * It is plain text for previews, never a link: a URL scheme a reporter typed ("javascript:")
 * loses its colon, so no attribute of the page ever carries a script URL, escaped or not.
 */
export function describeText(text: string, max = 120): string {
  const folded = text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/([a-z][a-z0-9+.-]*)\s*:/gi, "$1：");
  return folded.length > max ? `${folded.slice(0, max - 1)}…` : folded;
}

export interface PublicStoryView {
  title: string;
  body: PmNode;
  byline: BylinePerson[];
  dateline: string;
  editorName: string | null;
  publishedAt: string;
  correction: { note: string; date: string } | null;
  /** Canonical address, description and site for the head and masthead. */
  meta?: PageMeta | null;
  /** What a reader can verify: the hash of this text, its signers, the audit chain's head. */
  receipt?: PageReceipt | null;
}

/** The receipt as the page shows it (issue 14); `url` is the JSON with the canonical content. */
export interface PageReceipt {
  contentHash: string;
  signers: { level: string; name: string }[];
  auditHead: string | null;
  url: string;
}

/**
 * The 核验信息 block under the story: hash, signers per level, audit head, the JSON receipt.
 * Only tags the public page already uses (its tag whitelist is tested).
 */
function receiptBlock(receipt: PageReceipt | null | undefined): string {
  if (!receipt) return "";
  const signers = receipt.signers.map((s) => `${escapeHtml(s.level)}：${escapeHtml(s.name)}`).join(" · ");
  return `<div class="receipt" data-testid="receipt"><p><strong>核验信息</strong></p><p>内容哈希（SHA-256）：<em data-testid="receipt-hash">${escapeHtml(receipt.contentHash)}</em></p><p data-testid="receipt-signers">签署：${signers || "无"}</p><p>审计链：<em data-testid="receipt-audit-head">${escapeHtml(receipt.auditHead ?? "")}</em></p><p><a href="${escapeHtml(receipt.url)}">核验回执（JSON）</a></p></div>`;
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
    `<article><h1>${escapeHtml(story.title)}</h1><p class="byline">${escapeHtml(bylineLine(story.byline, story.dateline))}<br><time>${escapeHtml(story.publishedAt)}</time></p>${correction}<div class="body">${renderStoryBody(story.body)}</div><footer>${footer}</footer>${receiptBlock(story.receipt)}</article>`,
    story.meta ?? null,
  );
}

/** The page a withdrawn story's address shows (with status 410), with the desk's reason if given. */
export function renderWithdrawnNotice(reason: string | null = null, siteUrl: string | null = null): string {
  const why = reason ? `<span class="reason" data-testid="withdraw-reason">撤稿说明：${escapeHtml(reason)}</span>` : "";
  const meta = siteUrl ? { canonicalUrl: siteUrl, description: "该稿件已撤回", siteUrl, title: "稿件已撤回" } : null;
  return page(`稿件已撤回 - ${OUTLET}`, `<p class="notice">该稿件已撤回，无法继续访问。${why}</p>`, meta);
}
