import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { publicOrigin } from "@/server/http/publicOrigin";
import { findPublishedStory } from "@/server/publication/publishedStory";
import { servedCanonicalContent, storyReceipt } from "@/server/publication/storyReceipt";

export const dynamic = "force-dynamic";

const notServed = (status: 404 | 410, message: string) =>
  NextResponse.json({ error: { code: status === 404 ? "not_found" : "gone", message } }, { status, headers: { "cache-control": "no-cache" } });

/**
 * `GET /news/:slug/receipt.json`: the receipt of what `/news/:slug` serves now: its content hash,
 * the signers of each review level on that hash, the audit chain's head, and the canonical
 * content itself: `sha256(utf8(content))` in hex is `contentHash` (docs/ARCHITECTURE.md, "The
 * receipt"). Public, like the page.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const db = getDb();
  const found = await findPublishedStory(db, slug);
  if (!found) return notServed(404, "没有这篇稿件");
  if (!found.revision) return notServed(410, "该稿件已撤回");
  const { article, revision } = found;
  const receipt = await storyReceipt(db, article, revision);
  return NextResponse.json(
    {
      url: `${publicOrigin()}/news/${slug}`,
      algorithm: "sha256",
      ...receipt,
      publishedAt: (article.firstPublishedAt ?? revision.createdAt).toISOString(),
      correctedAt: article.correctedAt?.toISOString() ?? null,
      content: servedCanonicalContent(revision),
    },
    { headers: { "cache-control": "no-cache", "x-content-type-options": "nosniff" } },
  );
}
