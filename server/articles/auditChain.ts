import { createHash, createHmac } from "node:crypto";
import { canonicalJson } from "../../newsroom/canonicalContent";

/** The hash that starts every article's chain. */
export const AUDIT_GENESIS = "0".repeat(64);

/**
 * How an entry's hash was made. `hmac-sha256` (keyed with a secret outside the database) is
 * what every new entry gets; `sha256` (unkeyed) is what entries written before the chain was
 * keyed have, and is accepted only before the chain's first keyed entry.
 */
export type AuditHashAlgorithm = "hmac-sha256" | "sha256";
export const KEYED: AuditHashAlgorithm = "hmac-sha256";
export const LEGACY: AuditHashAlgorithm = "sha256";

/** The fields of an entry its hash covers (with the previous entry's hash). */
export interface ChainedFields {
  articleId: string;
  actorId: string;
  action: string;
  fromState: string;
  toState: string;
  note: string | null;
  contentHash: string;
  revisionId: number | null;
  createdAt: Date;
  prevHash: string;
}

/** A stored entry as the verifier needs it. */
export interface ChainedEntry extends ChainedFields {
  id: number;
  entryHash: string;
  hashAlgorithm: string;
}

function coveredText(fields: ChainedFields): string {
  return canonicalJson({
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
  });
}

/** The keyed hash of an entry: what a database-only attacker cannot recompute. */
export function keyedEntryHash(key: Uint8Array, fields: ChainedFields): string {
  return createHmac("sha256", key).update(coveredText(fields), "utf8").digest("hex");
}

/** The unkeyed hash entries had before the chain was keyed. */
export function legacyEntryHash(fields: ChainedFields): string {
  return createHash("sha256").update(coveredText(fields), "utf8").digest("hex");
}

/** Why an entry does not verify. */
export type ChainBreak =
  | "prev_mismatch" // its link to the entry before it does not match
  | "hash_mismatch" // its hash does not match its fields (altered, or keyed with another secret)
  | "unkeyed_after_keyed" // an unkeyed entry after a keyed one: written by someone without the key
  | "unknown_algorithm"
  | "head_mismatch"; // the article's head names another entry (the last one was removed or added)

export interface ChainVerdict {
  /** Every link holds and the article's head is the last entry. */
  verified: boolean;
  /** Every entry is keyed (false while old unkeyed entries open the chain). */
  keyed: boolean;
  /** Unkeyed entries at the start of the chain (written before the chain was keyed). */
  legacyEntries: number;
  /** Id of the first entry that does not verify. */
  brokenAt: number | null;
  /** Its position in the chain, 1 = oldest. */
  brokenPosition: number | null;
  reason: ChainBreak | null;
}

/**
 * Checks an article's chain, oldest entry first, against `head` (the hash its article row
 * keeps) and reports the first entry that breaks it.
 */
export function verifyChain(entries: readonly ChainedEntry[], head: string | null, key: Uint8Array): ChainVerdict {
  let prev = AUDIT_GENESIS;
  let seenKeyed = false;
  let legacyEntries = 0;
  const broken = (index: number, reason: ChainBreak): ChainVerdict => ({
    verified: false,
    keyed: false,
    legacyEntries,
    brokenAt: entries[index]?.id ?? null,
    brokenPosition: entries.length === 0 ? null : index + 1,
    reason,
  });
  for (const [index, entry] of entries.entries()) {
    if (entry.prevHash !== prev) return broken(index, "prev_mismatch");
    if (entry.hashAlgorithm === KEYED) {
      if (keyedEntryHash(key, entry) !== entry.entryHash) return broken(index, "hash_mismatch");
      seenKeyed = true;
    } else if (entry.hashAlgorithm === LEGACY) {
      if (seenKeyed) return broken(index, "unkeyed_after_keyed");
      if (legacyEntryHash(entry) !== entry.entryHash) return broken(index, "hash_mismatch");
      legacyEntries++;
    } else {
      return broken(index, "unknown_algorithm");
    }
    prev = entry.entryHash;
  }
  if ((head ?? AUDIT_GENESIS) !== prev) return broken(entries.length - 1, "head_mismatch");
  return { verified: true, keyed: legacyEntries === 0, legacyEntries, brokenAt: null, brokenPosition: null, reason: null };
}
