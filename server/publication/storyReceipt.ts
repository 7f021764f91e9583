import "server-only";
import { and, asc, count, eq, inArray, lte, max, or } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleAudit, articleSignoffs, users, type Article, type ArticleRevision } from "../../db/schema";
import type { BylinePerson } from "../../newsroom/byline";
import { canonicalContent, type PmNode } from "../../newsroom/canonicalContent";

/** Who signed one level of the served text. */
export interface ReceiptSigner {
  level: string;
  name: string;
  signedAt: string;
}

/**
 * What a published story's page, feed entry and `receipt.json` carry (issue 14): the hash of the
 * served text, who signed each level on exactly that hash, and the head of its audit chain.
 */
export interface StoryReceipt {
  contentHash: string;
  signers: ReceiptSigner[];
  /** Hash of the newest entry of the story's keyed audit chain, and how many entries it has. */
  auditHead: string | null;
  auditEntries: number;
}

/**
 * The signers of each served text: per story, the first sign-off of every level on the served
 * hash, in level order. One query for any number of stories (the feed).
 */
export async function signersOf(db: Db, served: readonly { articleId: string; contentHash: string }[]): Promise<Map<string, ReceiptSigner[]>> {
  const result = new Map<string, ReceiptSigner[]>(served.map((s) => [s.articleId, []]));
  if (served.length === 0) return result;
  const rows = await db
    .select({ signoff: articleSignoffs, name: users.displayName })
    .from(articleSignoffs)
    .innerJoin(users, eq(users.id, articleSignoffs.signerId))
    .where(
      and(
        inArray(articleSignoffs.articleId, served.map((s) => s.articleId)),
        or(...served.map((s) => and(eq(articleSignoffs.articleId, s.articleId), eq(articleSignoffs.contentHash, s.contentHash)))),
      ),
    )
    .orderBy(asc(articleSignoffs.levelPosition), asc(articleSignoffs.id));
  for (const { signoff, name } of rows) {
    const list = result.get(signoff.articleId)!;
    if (list.some((s) => s.level === signoff.levelName)) continue;
    list.push({ level: signoff.levelName, name, signedAt: signoff.createdAt.toISOString() });
  }
  return result;
}

/** The audit chain as it stood when the served text was published. */
export interface PublishedAuditHead {
  auditHead: string;
  auditEntries: number;
}

/**
 * Per story, the head of its audit chain at its latest 发布 (the entry that put the served text
 * out) and how many entries the chain had then: what came after (a correction under way, its
 * sign-offs) is unpublished workflow and stays off the public receipt. One query pair for any
 * number of stories (the feed).
 */
export async function publishedAuditHeads(db: Db, articleIds: readonly string[]): Promise<Map<string, PublishedAuditHead>> {
  const result = new Map<string, PublishedAuditHead>();
  if (articleIds.length === 0) return result;
  const published = db
    .select({ articleId: articleAudit.articleId, entryId: max(articleAudit.id).as("published_entry_id") })
    .from(articleAudit)
    .where(and(inArray(articleAudit.articleId, [...articleIds]), eq(articleAudit.action, "publish")))
    .groupBy(articleAudit.articleId)
    .as("published");
  const counted = await db
    .select({ articleId: articleAudit.articleId, entries: count(), last: max(articleAudit.id) })
    .from(articleAudit)
    .innerJoin(published, and(eq(published.articleId, articleAudit.articleId), lte(articleAudit.id, published.entryId)))
    .groupBy(articleAudit.articleId);
  const lastIds = counted.map((c) => Number(c.last));
  if (lastIds.length === 0) return result;
  const heads = await db.select({ id: articleAudit.id, entryHash: articleAudit.entryHash }).from(articleAudit).where(inArray(articleAudit.id, lastIds));
  const hashById = new Map(heads.map((h) => [Number(h.id), h.entryHash]));
  for (const c of counted) result.set(c.articleId, { auditHead: hashById.get(Number(c.last))!, auditEntries: Number(c.entries) });
  return result;
}

/** The receipt of what `/news/:slug` serves now (after a correction: the republished text). */
export async function storyReceipt(db: Db, article: Article, revision: ArticleRevision): Promise<StoryReceipt> {
  const [signers, heads] = await Promise.all([
    signersOf(db, [{ articleId: article.id, contentHash: revision.contentHash }]),
    publishedAuditHeads(db, [article.id]),
  ]);
  const head = heads.get(article.id);
  return {
    contentHash: revision.contentHash,
    signers: signers.get(article.id) ?? [],
    auditHead: head?.auditHead ?? null,
    auditEntries: head?.auditEntries ?? 0,
  };
}

/**
 * The canonical form of a served revision, exactly the bytes its content hash is the SHA-256 of
 * (newsroom/canonicalContent.ts), so a partner can recompute the hash.
 */
export function servedCanonicalContent(revision: ArticleRevision): string {
  return canonicalContent({
    title: revision.title,
    body: revision.bodyJson as PmNode,
    byline: revision.byline as BylinePerson[],
    dateline: revision.dateline,
  });
}
