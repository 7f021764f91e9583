import { createHash } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleAudit, articles, type AuditEntry } from "../../db/schema";
import { canonicalJson } from "../../newsroom/canonicalContent";

/** The hash that starts every article's chain. */
export const AUDIT_GENESIS = "0".repeat(64);

type EntryFields = Omit<AuditEntry, "id" | "entryHash">;

function entryHash(fields: EntryFields): string {
  const covered = {
    articleId: fields.articleId,
    actorId: fields.actorId,
    action: fields.action,
    fromState: fields.fromState,
    toState: fields.toState,
    note: fields.note ?? null,
    contentHash: fields.contentHash,
    revisionId: fields.revisionId ?? null,
    createdAt: fields.createdAt.toISOString(),
    prevHash: fields.prevHash,
  };
  return createHash("sha256").update(canonicalJson(covered), "utf8").digest("hex");
}

/**
 * Appends a transition to the article's audit chain. Must run in the transaction that holds
 * the article row lock (so entries of one article are strictly ordered).
 */
export async function appendAuditEntry(
  tx: Db,
  entry: Omit<EntryFields, "prevHash" | "createdAt">,
): Promise<AuditEntry> {
  const [article] = await tx.select({ head: articles.auditHead }).from(articles).where(eq(articles.id, entry.articleId));
  // Milliseconds only: what timestamptz stores and gives back, so the hash can be recomputed.
  const createdAt = new Date(Math.floor(Date.now()));
  const fields: EntryFields = { ...entry, note: entry.note ?? null, createdAt, prevHash: article?.head ?? AUDIT_GENESIS };
  const hash = entryHash(fields);
  const [row] = await tx.insert(articleAudit).values({ ...fields, entryHash: hash }).returning();
  await tx.update(articles).set({ auditHead: hash }).where(eq(articles.id, entry.articleId));
  return row;
}

export interface AuditReport {
  entries: AuditEntry[];
  verified: boolean;
  /** Id of the first entry that does not verify, when one does not. */
  brokenAt: number | null;
}

/** Reads an article's audit log and checks every link of its hash chain, and its head. */
export async function verifiedAuditLog(db: Db, articleId: string): Promise<AuditReport> {
  const entries = await db.select().from(articleAudit).where(eq(articleAudit.articleId, articleId)).orderBy(asc(articleAudit.id));
  const [article] = await db.select({ head: articles.auditHead }).from(articles).where(eq(articles.id, articleId));
  let prev = AUDIT_GENESIS;
  for (const entry of entries) {
    const { id: _id, entryHash: stored, ...fields } = entry;
    if (entry.prevHash !== prev || entryHash(fields) !== stored) return { entries, verified: false, brokenAt: entry.id };
    prev = stored;
  }
  const headOk = (article?.head ?? AUDIT_GENESIS) === prev;
  return { entries, verified: headOk, brokenAt: headOk ? null : (entries.at(-1)?.id ?? null) };
}
