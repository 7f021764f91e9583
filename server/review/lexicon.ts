import "server-only";
import { asc, eq, sql } from "drizzle-orm";
import { createHash } from "node:crypto";
import type { Db } from "../../db/client";
import { lexiconRevision, sensitiveWords } from "../../db/schema";

/** The sensitive-word lexicon (敏感词), alphabetical: what the checks look for. */
export async function lexiconWords(db: Db): Promise<string[]> {
  const rows = await db.select({ word: sensitiveWords.word }).from(sensitiveWords).orderBy(asc(sensitiveWords.word));
  return rows.map((r) => r.word);
}

/**
 * The version of a sensitive-word lexicon: a fingerprint of its words (order and repeats do not
 * matter; sorted by code point, not by a database's collation, so PGlite and PostgreSQL agree).
 * Stored with each check result: a result whose version differs from the lexicon's now ran
 * against other words and is run again. The same words always give the same version, so
 * adding a word and removing it again makes the older results count again, rightly.
 */
export function lexiconVersion(words: readonly string[]): string {
  const sorted = [...new Set(words)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `lex-${createHash("sha256").update(JSON.stringify(sorted), "utf8").digest("hex").slice(0, 16)}`;
}

/**
 * The lexicon as this process last loaded it from each database, with the revision counter read
 * before loading. Keyed by database because every database's counter starts at 0: a process
 * holding two stores (tests, a restart after a failed start) must not serve one's words for the
 * other's. Entries go with their database handle.
 */
const cachedByDb = new WeakMap<Db, { revision: number; words: string[]; version: string }>();

/**
 * The newsroom's lexicon and its version, cheaply: one row (the revision counter that
 * `bumpLexiconRevision` raises with every change of the words, in any process) is read, and the
 * words are loaded and hashed again only when it moved. The counter is read before the words,
 * so a change committed in between leaves the cache under the older revision, reloaded on the
 * next read; never newer-looking than its words. One entry per open database handle.
 */
export async function currentLexicon(db: Db): Promise<{ words: string[]; version: string }> {
  const [row] = await db.select({ revision: lexiconRevision.revision }).from(lexiconRevision).where(eq(lexiconRevision.id, 1));
  const revision = Number(row?.revision ?? 0);
  const cached = cachedByDb.get(db);
  if (cached && cached.revision === revision) return cached;
  const words = await lexiconWords(db);
  const loaded = { revision, words, version: lexiconVersion(words) };
  cachedByDb.set(db, loaded);
  return loaded;
}

/** Marks a change of the words; call in the transaction that changes them. */
export async function bumpLexiconRevision(db: Db): Promise<void> {
  await db
    .insert(lexiconRevision)
    .values({ id: 1, revision: 1 })
    .onConflictDoUpdate({ target: lexiconRevision.id, set: { revision: sql`${lexiconRevision.revision} + 1` } });
}
