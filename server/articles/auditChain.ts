import "server-only";
import { createHash, createHmac } from "node:crypto";
import { canonicalJson } from "../../newsroom/canonicalContent";

/** The hash that starts every article's chain. */
export const AUDIT_GENESIS = "0".repeat(64);

/**
 * How an entry's hash was made. `hmac-sha256` (keyed with a secret outside the database) is the
 * only one that verifies; `sha256` (unkeyed) is what entries written before the chain was keyed
 * had. Those are re-signed once at the first start after the upgrade (`auditResign.ts`); an
 * unkeyed entry found later was written, or downgraded, by someone without the key.
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

/**
 * What the article row keeps about its chain, outside the entries: how many there are, the
 * newest one's hash, and an HMAC over both (and the article id). Dropping the newest entries
 * and moving `lastHash` back cannot be made to verify without the key.
 */
export interface ChainHead {
  entries: number;
  lastHash: string | null;
  mac: string | null;
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

/** The unkeyed hash entries had before the chain was keyed (still read to re-sign them once). */
export function legacyEntryHash(fields: ChainedFields): string {
  return createHash("sha256").update(coveredText(fields), "utf8").digest("hex");
}

/** The keyed MAC of an article's head: its id, its number of entries and the newest entry's hash. */
export function keyedHeadMac(key: Uint8Array, articleId: string, entries: number, lastHash: string): string {
  // `kind` keeps a head from ever reading as an entry's covered text, and the other way round.
  const text = canonicalJson({ kind: "audit-head", articleId, entries, lastHash });
  return createHmac("sha256", key).update(text, "utf8").digest("hex");
}

/** The head to store once `lastHash` is the newest of `entries` entries. */
export function keyedHead(key: Uint8Array, articleId: string, entries: number, lastHash: string): ChainHead {
  return { entries, lastHash, mac: keyedHeadMac(key, articleId, entries, lastHash) };
}

/** Why a chain does not verify. */
export type ChainBreak =
  | "prev_mismatch" // an entry's link to the one before it does not match (an entry removed or inserted)
  | "hash_mismatch" // an entry's hash does not match its fields (altered, or keyed with another secret)
  | "unkeyed" // an entry without the keyed hash: written, or downgraded, by someone without the key
  | "head_mismatch" // the article's head is not keyed, or names another entry than the newest
  | "entries_missing"; // the head (keyed, intact) counts more entries than are stored: the newest were removed

export interface ChainVerdict {
  /** Every entry is keyed and linked, and the article's keyed head names the newest one. */
  verified: boolean;
  /** Id of the first entry that does not verify (null when entries are missing at the end). */
  brokenAt: number | null;
  /** Its position in the chain, 1 = oldest (the first missing position when entries are missing). */
  brokenPosition: number | null;
  reason: ChainBreak | null;
  /** Entries the keyed head counts that are no longer stored (0 unless `reason` is `entries_missing`). */
  missingEntries: number;
}

const INTACT: ChainVerdict = { verified: true, brokenAt: null, brokenPosition: null, reason: null, missingEntries: 0 };

function brokenAtEntry(entries: readonly ChainedEntry[], index: number, reason: ChainBreak): ChainVerdict {
  return { verified: false, brokenAt: entries[index]?.id ?? null, brokenPosition: index + 1, reason, missingEntries: 0 };
}

/**
 * Checks an article's chain, oldest entry first, against the keyed head its article row keeps,
 * and reports the first entry that breaks it. `expectsEntries` is false only for an article
 * that cannot have any transition yet (a draft): there an empty chain without a head is intact.
 */
export function verifyChain(
  articleId: string,
  entries: readonly ChainedEntry[],
  head: ChainHead,
  key: Uint8Array,
  expectsEntries = true,
): ChainVerdict {
  let prev = AUDIT_GENESIS;
  for (const [index, entry] of entries.entries()) {
    if (entry.prevHash !== prev) return brokenAtEntry(entries, index, "prev_mismatch");
    if (entry.hashAlgorithm !== KEYED) return brokenAtEntry(entries, index, "unkeyed");
    if (keyedEntryHash(key, entry) !== entry.entryHash) return brokenAtEntry(entries, index, "hash_mismatch");
    prev = entry.entryHash;
  }
  if (entries.length === 0 && head.mac === null) {
    if (!expectsEntries) return INTACT;
    return { verified: false, brokenAt: null, brokenPosition: 1, reason: "entries_missing", missingEntries: 0 };
  }
  const headIntact =
    head.mac !== null && head.lastHash !== null && keyedHeadMac(key, articleId, head.entries, head.lastHash) === head.mac;
  if (headIntact && head.entries > entries.length) {
    return {
      verified: false,
      brokenAt: null,
      brokenPosition: entries.length + 1,
      reason: "entries_missing",
      missingEntries: head.entries - entries.length,
    };
  }
  if (!headIntact || head.entries !== entries.length || head.lastHash !== prev) {
    return brokenAtEntry(entries, Math.max(entries.length - 1, 0), "head_mismatch");
  }
  return INTACT;
}
