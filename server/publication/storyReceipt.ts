import "server-only";
import { and, asc, eq, inArray, or } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleSignoffs, users, type Article, type ArticleRevision } from "../../db/schema";
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

/** The receipt of what `/news/:slug` serves now (after a correction: the republished text). */
export async function storyReceipt(db: Db, article: Article, revision: ArticleRevision): Promise<StoryReceipt> {
  const signers = (await signersOf(db, [{ articleId: article.id, contentHash: revision.contentHash }])).get(article.id) ?? [];
  return { contentHash: revision.contentHash, signers, auditHead: article.auditHead, auditEntries: article.auditEntries };
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
