import "server-only";
import { asc, eq, gt, isNotNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleAudit, articles, auditLegacyResign, type AuditEntry } from "../../db/schema";
import { AUDIT_GENESIS, KEYED, LEGACY, keyedEntryHash, keyedHead, legacyEntryHash } from "./auditChain";
import { auditKey } from "./auditKey";

/** Articles read per page while looking for chains to re-sign (their ids only). */
const ARTICLES_PER_PAGE = 200;

export interface ResignSummary {
  /** Chains whose entries were re-keyed and whose keyed head was written. */
  chains: number;
  /** Chains left untouched because they did not verify even as the previous release checked them. */
  skipped: number;
}

/**
 * Whether a chain verifies by the rules of the release before the head was keyed: each link
 * holds, an unkeyed entry only before the first keyed one, and the article's unkeyed head names
 * the newest entry. Only such a chain is re-signed: a chain already broken stays broken.
 */
function verifiesAsBefore(entries: readonly AuditEntry[], head: string | null, key: Uint8Array): boolean {
  let prev = AUDIT_GENESIS;
  let seenKeyed = false;
  for (const entry of entries) {
    if (entry.prevHash !== prev) return false;
    if (entry.hashAlgorithm === KEYED) {
      if (keyedEntryHash(key, entry) !== entry.entryHash) return false;
      seenKeyed = true;
    } else if (entry.hashAlgorithm !== LEGACY || seenKeyed || legacyEntryHash(entry) !== entry.entryHash) {
      return false;
    }
    prev = entry.entryHash;
  }
  return (head ?? AUDIT_GENESIS) === prev;
}

/** Re-keys one article's chain from its first entry (every later link changes with it) and writes its keyed head. */
async function resignChain(tx: Db, articleId: string, key: Uint8Array): Promise<boolean> {
  const [article] = await tx.select({ head: articles.auditHead }).from(articles).where(eq(articles.id, articleId)).for("update");
  const entries = await tx.select().from(articleAudit).where(eq(articleAudit.articleId, articleId)).orderBy(asc(articleAudit.id));
  if (!article || !verifiesAsBefore(entries, article.head, key)) return false;
  let prev = AUDIT_GENESIS;
  for (const entry of entries) {
    const entryHash = keyedEntryHash(key, { ...entry, prevHash: prev });
    if (entry.prevHash !== prev || entry.entryHash !== entryHash || entry.hashAlgorithm !== KEYED) {
      await tx.update(articleAudit).set({ prevHash: prev, entryHash, hashAlgorithm: KEYED }).where(eq(articleAudit.id, entry.id));
    }
    prev = entryHash;
  }
  const head = keyedHead(key, articleId, entries.length, prev);
  await tx
    .update(articles)
    .set({ auditHead: head.lastHash, auditEntries: head.entries, auditHeadMac: head.mac })
    .where(eq(articles.id, articleId));
  return true;
}

/**
 * Once per database, at the first start after the upgrade (under the startup lock, before the
 * server answers): every audit chain written before the head was keyed (possibly with unkeyed
 * entries) is re-signed with the key and gets its keyed head, if it verifies as the previous
 * release checked it. One transaction, so a crash leaves nothing half done; one article's
 * entries in memory at a time. A marker row makes it run once: afterwards an unkeyed entry or a
 * missing head is a break, never re-signed (`verifyChain`). Without the marker but with keyed
 * heads in the database, it ran before and someone deleted the marker: nothing is re-signed.
 * Returns null when nothing was re-signed for either reason.
 */
export async function resignLegacyAuditChains(db: Db, key: Uint8Array = auditKey()): Promise<ResignSummary | null> {
  const [done] = await db.select({ id: auditLegacyResign.id }).from(auditLegacyResign).where(eq(auditLegacyResign.id, 1));
  if (done) return null;
  const [keyedBefore] = await db.select({ id: articles.id }).from(articles).where(isNotNull(articles.auditHeadMac)).limit(1);
  if (keyedBefore) {
    console.warn("[audit] the re-sign marker is gone but stories already have keyed heads: not re-signing anything (was the marker deleted?)");
    return null;
  }
  const summary = await db.transaction(async (tx) => {
    const result: ResignSummary = { chains: 0, skipped: 0 };
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const page = await tx
        .selectDistinct({ id: articleAudit.articleId })
        .from(articleAudit)
        .where(gt(articleAudit.articleId, after))
        .orderBy(asc(articleAudit.articleId))
        .limit(ARTICLES_PER_PAGE);
      for (const { id } of page) {
        if (await resignChain(tx, id, key)) result.chains++;
        else {
          result.skipped++;
          console.warn(`[audit] article ${id}: its audit chain does not verify, left as it is (it shows as broken)`);
        }
      }
      if (page.length < ARTICLES_PER_PAGE) break;
      after = page[page.length - 1].id;
    }
    await tx.insert(auditLegacyResign).values({ id: 1, resignedAt: new Date(), ...result });
    return result;
  });
  if (summary.chains > 0 || summary.skipped > 0) {
    console.log(`[audit] re-signed ${summary.chains} audit chains with the audit key (${summary.skipped} left broken)`);
  }
  return summary;
}
