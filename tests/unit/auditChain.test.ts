import { describe, expect, it } from "vitest";
import {
  AUDIT_GENESIS,
  KEYED,
  LEGACY,
  keyedEntryHash,
  keyedHead,
  legacyEntryHash,
  verifyChain,
  type ChainedEntry,
  type ChainHead,
  type ChainedFields,
} from "../../server/articles/auditChain";
import { auditKey } from "../../server/articles/auditKey";

const key = auditKey({ AUTH_SECRET: "a-session-secret-of-at-least-32-characters" });
const otherKey = auditKey({ AUTH_SECRET: "another-session-secret-of-32-characters-x" });
const ARTICLE = "00000000-0000-4000-8000-000000000001";

/** A chain of `algorithms.length` transitions, each linked to the one before. */
function chain(algorithms: string[], signWith = key): ChainedEntry[] {
  const entries: ChainedEntry[] = [];
  let prev = AUDIT_GENESIS;
  for (const [i, hashAlgorithm] of algorithms.entries()) {
    const fields: ChainedFields = {
      articleId: ARTICLE,
      actorId: "00000000-0000-4000-8000-000000000002",
      action: i % 2 === 0 ? "submit" : "request_changes",
      fromState: "draft",
      toState: "submitted",
      note: i % 2 === 0 ? null : `意见 ${i}`,
      contentHash: "c".repeat(64),
      revisionId: 10 + i,
      createdAt: new Date(Date.UTC(2026, 10, 1, 8, i)),
      prevHash: prev,
    };
    const entryHash = hashAlgorithm === KEYED ? keyedEntryHash(signWith, fields) : legacyEntryHash(fields);
    entries.push({ ...fields, id: 100 + i, entryHash, hashAlgorithm });
    prev = entryHash;
  }
  return entries;
}

/** Rewrites entry `index` and recomputes every hash after it, as someone with only the database could. */
function rewrite(entries: ChainedEntry[], index: number, algorithm: string, signWith = key): ChainedEntry[] {
  const out = entries.map((e) => ({ ...e }));
  out[index].note = "改过的意见";
  for (let i = index; i < out.length; i++) {
    out[i].prevHash = i === 0 ? AUDIT_GENESIS : out[i - 1].entryHash;
    out[i].hashAlgorithm = algorithm;
    out[i].entryHash = algorithm === KEYED ? keyedEntryHash(signWith, out[i]) : legacyEntryHash(out[i]);
  }
  return out;
}

/** The keyed head the article row keeps once `entries` are stored. */
const head = (entries: ChainedEntry[], signWith = key): ChainHead =>
  entries.length === 0 ? { entries: 0, lastHash: null, mac: null } : keyedHead(signWith, ARTICLE, entries.length, entries.at(-1)!.entryHash);

/** As the article row would hold it after an attacker recomputed the unkeyed head (they cannot recompute the MAC). */
const movedHead = (stored: ChainHead, entries: ChainedEntry[]): ChainHead => ({
  ...stored,
  entries: entries.length,
  lastHash: entries.at(-1)?.entryHash ?? null,
});

const verify = (entries: ChainedEntry[], stored: ChainHead, expectsEntries = true) => verifyChain(ARTICLE, entries, stored, key, expectsEntries);

describe("the keyed audit chain", () => {
  it("verifies an untouched keyed chain and its keyed head", () => {
    const entries = chain([KEYED, KEYED, KEYED]);
    expect(verify(entries, head(entries))).toEqual({
      verified: true,
      brokenAt: null,
      brokenPosition: null,
      reason: null,
      missingEntries: 0,
    });
  });

  it("never accepts an unkeyed entry, wherever it is", () => {
    const legacy = chain([LEGACY, LEGACY]);
    expect(verify(legacy, head(legacy))).toMatchObject({ verified: false, brokenAt: 100, brokenPosition: 1, reason: "unkeyed" });
    const continued = chain([LEGACY, LEGACY, KEYED]);
    expect(verify(continued, head(continued))).toMatchObject({ verified: false, brokenAt: 100, reason: "unkeyed" });
  });

  it("reports a downgrade (every entry recomputed as plain SHA-256, head moved) broken at the first entry", () => {
    const original = chain([KEYED, KEYED, KEYED]);
    const downgraded = rewrite(original, 0, LEGACY);
    expect(verify(downgraded, movedHead(head(original), downgraded))).toMatchObject({
      verified: false,
      brokenAt: 100,
      brokenPosition: 1,
      reason: "unkeyed",
    });
    // Even with the entries untouched but relabelled, a plain hash is no HMAC.
    const relabelled = original.map((e) => ({ ...e, hashAlgorithm: LEGACY }));
    expect(verify(relabelled, head(original))).toMatchObject({ verified: false, brokenAt: 100, reason: "unkeyed" });
  });

  it("names the rewritten entry when the chain is recomputed with plain SHA-256", () => {
    const original = chain([KEYED, KEYED, KEYED]);
    const rewritten = rewrite(original, 1, LEGACY);
    expect(verify(rewritten, movedHead(head(original), rewritten))).toMatchObject({
      verified: false,
      brokenAt: 101,
      brokenPosition: 2,
      reason: "unkeyed",
    });
    // Left marked as keyed, the plain hash does not match the HMAC.
    const relabelled = rewrite(original, 1, KEYED).map((e, i) => (i >= 1 ? { ...e, entryHash: legacyEntryHash(e) } : e));
    expect(verify(relabelled, movedHead(head(original), relabelled))).toMatchObject({ verified: false, brokenAt: 101, reason: "hash_mismatch" });
  });

  it("names the rewritten entry when the chain is recomputed with an HMAC under another key", () => {
    const original = chain([KEYED, KEYED, KEYED]);
    const rewritten = rewrite(original, 2, KEYED, otherKey);
    expect(verify(rewritten, head(rewritten, otherKey))).toMatchObject({
      verified: false,
      brokenAt: 102,
      brokenPosition: 3,
      reason: "hash_mismatch",
    });
    // The whole chain and its head under another key break at its first entry.
    const foreign = chain([KEYED, KEYED], otherKey);
    expect(verify(foreign, head(foreign, otherKey))).toMatchObject({ verified: false, brokenAt: 100, brokenPosition: 1 });
  });

  it("counts the entries dropped from the end, whether or not the head was moved back", () => {
    const entries = chain([KEYED, KEYED, KEYED]);
    const stored = head(entries);
    // The newest entry deleted, the head left as it was.
    expect(verify(entries.slice(0, 2), stored)).toMatchObject({
      verified: false,
      brokenAt: null,
      brokenPosition: 3,
      reason: "entries_missing",
      missingEntries: 1,
    });
    // …and the head's hash and count moved back to the entry before: its MAC no longer holds.
    const truncated = entries.slice(0, 2);
    expect(verify(truncated, movedHead(stored, truncated))).toMatchObject({
      verified: false,
      brokenAt: 101,
      brokenPosition: 2,
      reason: "head_mismatch",
    });
    // Every entry deleted: the intact head still counts them.
    expect(verify([], stored)).toMatchObject({ verified: false, brokenPosition: 1, reason: "entries_missing", missingEntries: 3 });
    // Entries and head gone: only a draft may have no transition at all.
    expect(verify([], head([]))).toMatchObject({ verified: false, reason: "entries_missing", missingEntries: 0 });
    expect(verify([], head([]), false)).toMatchObject({ verified: true });
  });

  it("refuses a head that is missing, unkeyed or names another entry", () => {
    const entries = chain([KEYED, KEYED]);
    expect(verify(entries, { ...head(entries), mac: null })).toMatchObject({ verified: false, brokenAt: 101, reason: "head_mismatch" });
    expect(verify(entries, { ...head(entries), entries: 5 })).toMatchObject({ verified: false, reason: "head_mismatch" });
    // A head copied from another article does not hold for this one.
    const foreignHead = keyedHead(key, "00000000-0000-4000-8000-000000000009", 2, entries[1].entryHash);
    expect(verify(entries, foreignHead)).toMatchObject({ verified: false, brokenAt: 101, reason: "head_mismatch" });
    // An entry appended without the key (its head moved as far as a database can).
    const appended = [...entries, { ...entries[1], id: 102, prevHash: entries[1].entryHash, entryHash: "f".repeat(64) }];
    expect(verify(appended, movedHead(head(entries), appended))).toMatchObject({ brokenAt: 102, reason: "hash_mismatch" });
  });

  it("catches an altered entry, a broken link and an unknown algorithm", () => {
    const entries = chain([KEYED, KEYED, KEYED]);
    const altered = entries.map((e, i) => (i === 0 ? { ...e, note: "改过" } : e));
    expect(verify(altered, head(entries))).toMatchObject({ verified: false, brokenAt: 100, reason: "hash_mismatch" });

    const unlinked = entries.map((e, i) => (i === 2 ? { ...e, prevHash: AUDIT_GENESIS } : e));
    expect(verify(unlinked, head(entries))).toMatchObject({ brokenAt: 102, reason: "prev_mismatch" });
    // The middle entry removed: the link of the one after it breaks.
    const gap = [entries[0], entries[2]];
    expect(verify(gap, head(entries))).toMatchObject({ brokenAt: 102, brokenPosition: 2, reason: "prev_mismatch" });

    const unknown = entries.map((e, i) => (i === 1 ? { ...e, hashAlgorithm: "md5" } : e));
    expect(verify(unknown, head(unknown))).toMatchObject({ brokenAt: 101, reason: "unkeyed" });
  });

  it("derives a key that is neither the secret nor shared with another secret, and prefers AUDIT_SECRET", () => {
    expect(Buffer.from(key).equals(Buffer.from(otherKey))).toBe(false);
    const preferred = auditKey({ AUTH_SECRET: "a-session-secret-of-at-least-32-characters", AUDIT_SECRET: "another-session-secret-of-32-characters-x" });
    expect(Buffer.from(preferred).equals(Buffer.from(otherKey))).toBe(true);
    expect(() => auditKey({})).toThrow(/AUDIT_SECRET/);
  });
});
