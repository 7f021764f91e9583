import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleAudit, articles, type AuditEntry } from "../../db/schema";
import { AUDIT_GENESIS, KEYED, keyedEntryHash, verifyChain, type ChainedFields, type ChainVerdict } from "./auditChain";
import { auditKey } from "./auditKey";

export { AUDIT_GENESIS } from "./auditChain";

type NewEntry = Omit<ChainedFields, "prevHash" | "createdAt">;

/**
 * Appends a transition to the article's audit chain, keyed with the server's audit key. Must
 * run in the transaction that holds the article row lock (so entries of one article are
 * strictly ordered).
 */
export async function appendAuditEntry(tx: Db, entry: NewEntry): Promise<AuditEntry> {
  const [article] = await tx.select({ head: articles.auditHead }).from(articles).where(eq(articles.id, entry.articleId));
  // Milliseconds only: what timestamptz stores and gives back, so the hash can be recomputed.
  const createdAt = new Date(Math.floor(Date.now()));
  const fields: ChainedFields = { ...entry, note: entry.note ?? null, createdAt, prevHash: article?.head ?? AUDIT_GENESIS };
  const hash = keyedEntryHash(auditKey(), fields);
  const [row] = await tx.insert(articleAudit).values({ ...fields, entryHash: hash, hashAlgorithm: KEYED }).returning();
  await tx.update(articles).set({ auditHead: hash }).where(eq(articles.id, entry.articleId));
  return row;
}

export interface AuditReport extends ChainVerdict {
  entries: AuditEntry[];
}

/** Reads an article's audit log and checks every link of its keyed chain, and its head. */
export async function verifiedAuditLog(db: Db, articleId: string): Promise<AuditReport> {
  const entries = await db.select().from(articleAudit).where(eq(articleAudit.articleId, articleId)).orderBy(asc(articleAudit.id));
  const [article] = await db.select({ head: articles.auditHead }).from(articles).where(eq(articles.id, articleId));
  return { entries, ...verifyChain(entries, article?.head ?? null, auditKey()) };
}
