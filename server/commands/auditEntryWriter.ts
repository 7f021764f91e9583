import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleAudit, articles, type AuditEntry } from "../../db/schema";
import { AUDIT_GENESIS, KEYED, keyedEntryHash, type ChainedFields } from "../articles/auditChain";
import { auditKey } from "../articles/auditKey";

/** What a transition writes to the chain; the link to the previous entry and the time are added here. */
export type NewAuditEntry = Omit<ChainedFields, "prevHash" | "createdAt">;

/**
 * Appends a transition to the article's audit chain, keyed with the server's audit key. A step
 * of `articleTransitioner`: it must run in the transaction that holds the article row lock (so
 * entries of one article are strictly ordered).
 */
export async function auditEntryWriter(tx: Db, entry: NewAuditEntry): Promise<AuditEntry> {
  const [article] = await tx.select({ head: articles.auditHead }).from(articles).where(eq(articles.id, entry.articleId));
  // Milliseconds only: what timestamptz stores and gives back, so the hash can be recomputed.
  const createdAt = new Date(Math.floor(Date.now()));
  const fields: ChainedFields = { ...entry, note: entry.note ?? null, createdAt, prevHash: article?.head ?? AUDIT_GENESIS };
  const hash = keyedEntryHash(auditKey(), fields);
  const [row] = await tx.insert(articleAudit).values({ ...fields, entryHash: hash, hashAlgorithm: KEYED }).returning();
  await tx.update(articles).set({ auditHead: hash }).where(eq(articles.id, entry.articleId));
  return row;
}
