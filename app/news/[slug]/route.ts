import { getDb } from "@/db/client";
import type { BylinePerson } from "@/newsroom/byline";
import type { PmNode } from "@/newsroom/canonicalContent";
import { describeText, PUBLIC_PAGE_CSP, renderPublicStory, renderWithdrawnNotice } from "@/newsroom/publicPage";
import { publicOrigin } from "@/server/http/publicOrigin";
import { formatLongDate } from "@/newsroom/timeFormat";
import { findPublishedStory } from "@/server/publication/publishedStory";
import { storyReceipt } from "@/server/publication/storyReceipt";

export const dynamic = "force-dynamic";

function htmlResponse(html: string, status: number) {
  return new Response(html, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": PUBLIC_PAGE_CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
      // Browsers may keep a 410 (and a page) heuristically: a withdrawn and republished story,
      // or a withdrawal, must show at once, so every view asks again.
      "cache-control": "no-cache",
    },
  });
}

/**
 * `GET /news/:slug`: the published revision, rendered on the server, with its canonical link,
 * description and `og:` tags under PUBLIC_URL; 410 once withdrawn (with the reason given).
 */
export async function GET(_request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const db = getDb();
  const found = await findPublishedStory(db, slug);
  if (!found) return htmlResponse("<!doctype html><title>404</title><p>没有这篇稿件。</p>", 404);
  const site = publicOrigin();
  if (!found.revision) return htmlResponse(renderWithdrawnNotice(found.article.withdrawNote, site), 410);
  const { article, revision, editorName } = found;
  const receipt = await storyReceipt(db, article, revision);
  const correction =
    article.correctionNote && article.correctedAt
      ? { note: article.correctionNote, date: formatLongDate(article.correctedAt.toISOString()) }
      : null;
  return htmlResponse(
    renderPublicStory({
      title: revision.title,
      body: revision.bodyJson as PmNode,
      byline: revision.byline as BylinePerson[],
      dateline: revision.dateline,
      editorName,
      publishedAt: formatLongDate((article.firstPublishedAt ?? revision.createdAt).toISOString()),
      correction,
      meta: { canonicalUrl: `${site}/news/${slug}`, description: describeText(revision.text), siteUrl: site, title: revision.title },
      receipt: { ...receipt, url: `/news/${slug}/receipt.json` },
    }),
    200,
  );
}
