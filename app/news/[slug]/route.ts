import { getDb } from "@/db/client";
import type { BylinePerson } from "@/newsroom/byline";
import type { PmNode } from "@/newsroom/canonicalContent";
import { PUBLIC_PAGE_CSP, renderPublicStory, renderWithdrawnNotice } from "@/newsroom/publicPage";
import { formatLongDate } from "@/newsroom/timeFormat";
import { findPublishedStory } from "@/server/publication/publishedStory";

export const dynamic = "force-dynamic";

function htmlResponse(html: string, status: number) {
  return new Response(html, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": PUBLIC_PAGE_CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
    },
  });
}

/** `GET /news/:slug`: the published revision, rendered on the server; 410 once withdrawn. */
export async function GET(_request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const found = await findPublishedStory(getDb(), slug);
  if (!found) return htmlResponse("<!doctype html><title>404</title><p>没有这篇稿件。</p>", 404);
  if (!found.revision) return htmlResponse(renderWithdrawnNotice(), 410);
  const { article, revision, editorName } = found;
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
    }),
    200,
  );
}
