import { OUTLET } from "./publicationFormat";
import { escapeHtml } from "./storyHtml";

export interface FeedEntry {
  url: string;
  title: string;
  summary: string;
  publishedAt: Date;
  updatedAt: Date;
  authors: string[];
}

/** An Atom 1.0 feed of published stories (RFC 4287). */
export function renderAtomFeed(siteUrl: string, entries: readonly FeedEntry[]): string {
  const updated = entries.reduce((max, e) => (e.updatedAt > max ? e.updatedAt : max), new Date(0));
  const items = entries
    .map(
      (e) => `<entry><id>${escapeHtml(e.url)}</id><title>${escapeHtml(e.title)}</title><link href="${escapeHtml(e.url)}"/><published>${e.publishedAt.toISOString()}</published><updated>${e.updatedAt.toISOString()}</updated>${e.authors.map((a) => `<author><name>${escapeHtml(a)}</name></author>`).join("")}<summary>${escapeHtml(e.summary)}</summary></entry>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><id>${escapeHtml(siteUrl)}/news/feed.xml</id><title>${OUTLET}</title><link rel="self" href="${escapeHtml(siteUrl)}/news/feed.xml"/><updated>${updated.toISOString()}</updated>${items}</feed>`;
}
