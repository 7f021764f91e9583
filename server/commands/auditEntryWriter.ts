import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleAudit, articles, type AuditEntry } from "../../db/schema";
import { AUDIT_GENESIS, KEYED, keyedEntryHash, keyedHead, type ChainedFields } from "../articles/auditChain";
import { auditKey } from "../articles/auditKey";

/** What a transition writes to the chain; the link to the previous entry and the time are added here. */
export type NewAuditEntry = Omit<ChainedFields, "prevHash" | "createdAt">;

/**
 * Appends a transition to the article's audit chain, keyed with the server's audit key, and
 * moves the article's keyed head with it. A step
 * of `articleTransitioner`: it must run in the transaction that holds the article row lock (so
 * entries of one article are strictly ordered).
 */
export async function auditEntryWriter(tx: Db, entry: NewAuditEntry): Promise<AuditEntry> {
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
  // The keyed head (count and newest hash) moves with the chain, so dropped tail entries show.
  const head = keyedHead(key, entry.articleId, (article?.entries ?? 0) + 1, hash);
  await tx
    .update(articles)
    .set({ auditHead: head.lastHash, auditEntries: head.entries, auditHeadMac: head.mac })
    .where(eq(articles.id, entry.articleId));
  return row;
}
