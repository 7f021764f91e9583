import "server-only";
import { desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleRevisions, articles } from "../../db/schema";
import type { PmNode } from "../../newsroom/canonicalContent";
import { publishedAuditHeads, signersOf } from "./storyReceipt";

export interface PublishedEntry {
  slug: string;
  title: string;
  summary: string;
  /** The published body (ProseMirror JSON), for the feed's full content with photos. */
  body: PmNode;
  publishedAt: Date;
  updatedAt: Date;
  authors: string[];
  /** The served text's hash, its signers per level and the audit chain's head (issue 14). */
  receipt: { contentHash: string; signers: { level: string; name: string }[]; auditHead: string | null };
}

/** The newest published stories (their published revisions), for the feed. */
export async function listPublished(db: Db, limit = 50): Promise<PublishedEntry[]> {
  const rows = await db
    .select({ article: articles, revision: articleRevisions })
    .from(articles)
    .innerJoin(articleRevisions, eq(articleRevisions.id, articles.publishedRevisionId))
    .where(eq(articles.state, "published"))
    .orderBy(desc(articles.publishedAt))
    .limit(limit);
  const [signers, heads] = await Promise.all([
    signersOf(
      db,
      rows.map(({ article, revision }) => ({ articleId: article.id, contentHash: revision.contentHash })),
    ),
    publishedAuditHeads(db, rows.map(({ article }) => article.id)),
  ]);
  return rows.map(({ article, revision }) => ({
    slug: article.slug!,
    title: revision.title,
    summary: revision.text.split("\n").find((line) => line.trim()) ?? "",
    body: revision.bodyJson as PmNode,
    publishedAt: article.firstPublishedAt ?? article.publishedAt!,
    updatedAt: article.publishedAt!,
    authors: (revision.byline as { name: string }[]).map((p) => p.name),
    receipt: { contentHash: revision.contentHash, signers: signers.get(article.id) ?? [], auditHead: heads.get(article.id)?.auditHead ?? null },
  }));
}
