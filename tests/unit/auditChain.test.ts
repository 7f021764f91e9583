import { describe, expect, it } from "vitest";
import {
  AUDIT_GENESIS,
  KEYED,
  LEGACY,
  keyedEntryHash,
  legacyEntryHash,
  verifyChain,
  type ChainedEntry,
  type ChainedFields,
} from "../../server/articles/auditChain";
import { auditKey } from "../../server/articles/auditKey";

const key = auditKey({ AUTH_SECRET: "a-session-secret-of-at-least-32-characters" });
const otherKey = auditKey({ AUTH_SECRET: "another-session-secret-of-32-characters-x" });

/** A chain of `algorithms.length` transitions, each linked to the one before. */
function chain(algorithms: string[], signWith = key): ChainedEntry[] {
  const entries: ChainedEntry[] = [];
  let prev = AUDIT_GENESIS;
  for (const [i, hashAlgorithm] of algorithms.entries()) {
    const fields: ChainedFields = {
      articleId: "00000000-0000-4000-8000-000000000001",
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

const head = (entries: ChainedEntry[]) => entries.at(-1)?.entryHash ?? null;

describe("the keyed audit chain", () => {
  it("verifies an untouched keyed chain", () => {
    const entries = chain([KEYED, KEYED, KEYED]);
    expect(verifyChain(entries, head(entries), key)).toEqual({
      verified: true,
      keyed: true,
      legacyEntries: 0,
      brokenAt: null,
      brokenPosition: null,
      reason: null,
    });
  });

  it("verifies an untouched chain written before keying as legacy, and one continued with keyed entries", () => {
    const legacy = chain([LEGACY, LEGACY]);
    expect(verifyChain(legacy, head(legacy), key)).toMatchObject({ verified: true, keyed: false, legacyEntries: 2 });
    const continued = chain([LEGACY, LEGACY, KEYED]);
    expect(verifyChain(continued, head(continued), key)).toMatchObject({ verified: true, keyed: false, legacyEntries: 2 });
  });

  it("names the rewritten entry when the chain is recomputed with plain SHA-256", () => {
    const rewritten = rewrite(chain([KEYED, KEYED, KEYED]), 1, LEGACY);
    expect(verifyChain(rewritten, head(rewritten), key)).toMatchObject({
      verified: false,
      brokenAt: 101,
      brokenPosition: 2,
      reason: "unkeyed_after_keyed",
    });
    // Left marked as keyed, the plain hash does not match the HMAC.
    const relabelled = rewrite(chain([KEYED, KEYED, KEYED]), 1, KEYED).map((e, i) =>
      i >= 1 ? { ...e, entryHash: legacyEntryHash(e) } : e,
    );
    expect(verifyChain(relabelled, head(relabelled), key)).toMatchObject({ verified: false, brokenAt: 101, reason: "hash_mismatch" });
  });

  it("names the rewritten entry when the chain is recomputed with an HMAC under another key", () => {
    const rewritten = rewrite(chain([KEYED, KEYED, KEYED]), 2, KEYED, otherKey);
    expect(verifyChain(rewritten, head(rewritten), key)).toMatchObject({
      verified: false,
      brokenAt: 102,
      brokenPosition: 3,
      reason: "hash_mismatch",
    });
    // The whole chain under another key breaks at its first entry.
    const foreign = chain([KEYED, KEYED], otherKey);
    expect(verifyChain(foreign, head(foreign), key)).toMatchObject({ verified: false, brokenAt: 100, brokenPosition: 1 });
  });

  it("catches an altered legacy entry, a broken link, a removed last entry and an unknown algorithm", () => {
    const legacy = chain([LEGACY, LEGACY, KEYED]);
    const altered = legacy.map((e, i) => (i === 0 ? { ...e, note: "改过" } : e));
    expect(verifyChain(altered, head(altered), key)).toMatchObject({ verified: false, brokenAt: 100, reason: "hash_mismatch" });

    const entries = chain([KEYED, KEYED, KEYED]);
    const unlinked = entries.map((e, i) => (i === 2 ? { ...e, prevHash: AUDIT_GENESIS } : e));
    expect(verifyChain(unlinked, head(unlinked), key)).toMatchObject({ brokenAt: 102, reason: "prev_mismatch" });

    expect(verifyChain(entries.slice(0, 2), head(entries), key)).toMatchObject({
      verified: false,
      brokenAt: 101,
      brokenPosition: 2,
      reason: "head_mismatch",
    });

    const unknown = entries.map((e, i) => (i === 1 ? { ...e, hashAlgorithm: "md5" } : e));
    expect(verifyChain(unknown, head(unknown), key)).toMatchObject({ brokenAt: 101, reason: "unknown_algorithm" });
  });

  it("derives a key that is neither the secret nor shared with another secret, and prefers AUDIT_SECRET", () => {
    expect(Buffer.from(key).equals(Buffer.from(otherKey))).toBe(false);
    const preferred = auditKey({ AUTH_SECRET: "a-session-secret-of-at-least-32-characters", AUDIT_SECRET: "another-session-secret-of-32-characters-x" });
    expect(Buffer.from(preferred).equals(Buffer.from(otherKey))).toBe(true);
    expect(() => auditKey({})).toThrow(/AUDIT_SECRET/);
  });
});
