import "server-only";
import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleAudit, articles, type AuditEntry } from "../../db/schema";
import { verifyChain, type ChainVerdict } from "./auditChain";
import { auditKey } from "./auditKey";

export interface AuditReport extends ChainVerdict {
  entries: AuditEntry[];
}

/** Reads an article's audit log and checks every link of its keyed chain, and its keyed head. */
export async function verifiedAuditLog(db: Db, articleId: string): Promise<AuditReport> {
  const entries = await db.select().from(articleAudit).where(eq(articleAudit.articleId, articleId)).orderBy(asc(articleAudit.id));
  const [article] = await db
    .select({ state: articles.state, lastHash: articles.auditHead, entries: articles.auditEntries, mac: articles.auditHeadMac })
    .from(articles)
    .where(eq(articles.id, articleId));
  const head = { entries: article?.entries ?? 0, lastHash: article?.lastHash ?? null, mac: article?.mac ?? null };
  // No transition leads back to draft: only a draft may have an empty chain and no head.
  const expectsEntries = article?.state !== "draft";
  return { entries, ...verifyChain(articleId, entries, head, auditKey(), expectsEntries) };
}
