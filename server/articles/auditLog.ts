import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleAudit, articles, type AuditEntry } from "../../db/schema";
import { AUDIT_GENESIS, KEYED, keyedEntryHash, keyedHead, verifyChain, type ChainedFields, type ChainVerdict } from "./auditChain";
import { auditKey } from "./auditKey";

export { AUDIT_GENESIS } from "./auditChain";

type NewEntry = Omit<ChainedFields, "prevHash" | "createdAt">;

/**
 * Appends a transition to the article's audit chain, keyed with the server's audit key, and
 * moves the article's keyed head (count and newest hash) with it. Must run in the transaction
 * that holds the article row lock (so entries of one article are strictly ordered).
 */
export async function appendAuditEntry(tx: Db, entry: NewEntry): Promise<AuditEntry> {
  const [article] = await tx
    .select({ head: articles.auditHead, entries: articles.auditEntries })
    .from(articles)
    .where(eq(articles.id, entry.articleId));
  // Milliseconds only: what timestamptz stores and gives back, so the hash can be recomputed.
  const createdAt = new Date(Math.floor(Date.now()));
  const fields: ChainedFields = { ...entry, note: entry.note ?? null, createdAt, prevHash: article?.head ?? AUDIT_GENESIS };
  const key = auditKey();
  const hash = keyedEntryHash(key, fields);
  const [row] = await tx.insert(articleAudit).values({ ...fields, entryHash: hash, hashAlgorithm: KEYED }).returning();
  const head = keyedHead(key, entry.articleId, (article?.entries ?? 0) + 1, hash);
  await tx
    .update(articles)
    .set({ auditHead: head.lastHash, auditEntries: head.entries, auditHeadMac: head.mac })
    .where(eq(articles.id, entry.articleId));
  return row;
}

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
