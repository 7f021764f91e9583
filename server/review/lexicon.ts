import "server-only";
import { asc } from "drizzle-orm";
import { createHash } from "node:crypto";
import type { Db } from "../../db/client";
import { sensitiveWords } from "../../db/schema";

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
