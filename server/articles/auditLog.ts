import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleAudit, articles, type AuditEntry } from "../../db/schema";
import { verifyChain, type ChainVerdict } from "./auditChain";
import { auditKey } from "./auditKey";

export interface AuditReport extends ChainVerdict {
  entries: AuditEntry[];
}

/** Reads an article's audit log and checks every link of its keyed chain, and its head. */
export async function verifiedAuditLog(db: Db, articleId: string): Promise<AuditReport> {
  const entries = await db.select().from(articleAudit).where(eq(articleAudit.articleId, articleId)).orderBy(asc(articleAudit.id));
  const [article] = await db.select({ head: articles.auditHead }).from(articles).where(eq(articles.id, articleId));
  return { entries, ...verifyChain(entries, article?.head ?? null, auditKey()) };
}
