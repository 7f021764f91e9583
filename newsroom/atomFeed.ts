import { OUTLET } from "./publicationFormat";
import type { PmNode } from "./canonicalContent";
import { escapeHtml as escapeText, renderStoryBody } from "./storyHtml";
import { xmlSafe } from "./xmlChars";

/** Text escaped for the feed, without the characters XML 1.0 cannot carry (they would break it whole). */
const escapeHtml = (text: string) => escapeText(xmlSafe(text));

export interface FeedEntry {
  url: string;
  title: string;
  summary: string;
  /** The story body; rendered as the entry's HTML content when present. */
  body?: PmNode;
  publishedAt: Date;
  updatedAt: Date;
  authors: string[];
  /** The receipt of the served text (issue 14): hash, signers per level, audit chain head. */
  receipt?: { contentHash: string; signers: { level: string; name: string }[]; auditHead: string | null };
}

/** Namespace of the receipt elements in the feed (ours; readers that do not know it skip them). */
export const RECEIPT_NAMESPACE = "urn:hongwang:newsroom:receipt:1";

/** The entry's receipt: the hash, the audit head and one element per signed level, plus the JSON link. */
function entryReceipt(e: FeedEntry): string {
  if (!e.receipt) return "";
  const r = e.receipt;
  const signers = r.signers.map((s) => `<r:signer level="${escapeHtml(s.level)}" name="${escapeHtml(s.name)}"/>`).join("");
  return `<link rel="related" type="application/json" href="${escapeHtml(e.url)}/receipt.json"/><r:receipt contentHash="${escapeHtml(r.contentHash)}" auditHead="${escapeHtml(r.auditHead ?? "")}">${signers}</r:receipt>`;
}

/**
 * The entry's full story as HTML (photos with their width, height and srcset), with our
 * `/media/` addresses made absolute: a feed reader fetches them from elsewhere. Only the
 * renderer's own `src="/media/` and srcset entries can match (text is escaped, so it never
 * holds a literal quote).
 */
function entryContent(siteUrl: string, body: PmNode | undefined): string {
  if (!body) return "";
  const origin = escapeHtml(siteUrl);
  const html = renderStoryBody(body)
    .replaceAll(' src="/media/', ` src="${origin}/media/`)
    .replace(/ srcset="([^"]*)"/g, (_all, list: string) => ` srcset="${list.replace(/(^|, )\/media\//g, (_match, lead: string) => `${lead}${origin}/media/`)}"`);
  return `<content type="html">${escapeHtml(html)}</content>`;
}

/** An Atom 1.0 feed of published stories (RFC 4287). */
export function renderAtomFeed(siteUrl: string, entries: readonly FeedEntry[]): string {
  const updated = entries.reduce((max, e) => (e.updatedAt > max ? e.updatedAt : max), new Date(0));
  const items = entries
    .map(
      (e) => `<entry><id>${escapeHtml(e.url)}</id><title>${escapeHtml(e.title)}</title><link href="${escapeHtml(e.url)}"/><published>${e.publishedAt.toISOString()}</published><updated>${e.updatedAt.toISOString()}</updated>${e.authors.map((a) => `<author><name>${escapeHtml(a)}</name></author>`).join("")}<summary>${escapeHtml(e.summary)}</summary>${entryContent(siteUrl, e.body)}${entryReceipt(e)}</entry>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:r="${RECEIPT_NAMESPACE}"><id>${escapeHtml(siteUrl)}/news/feed.xml</id><title>${OUTLET}</title><link rel="self" href="${escapeHtml(siteUrl)}/news/feed.xml"/><updated>${updated.toISOString()}</updated>${items}</feed>`;
}
