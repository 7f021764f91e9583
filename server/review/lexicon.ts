import "server-only";
import { asc } from "drizzle-orm";
import type { Db } from "../../db/client";
import { sensitiveWords } from "../../db/schema";

/** The sensitive-word lexicon (敏感词), alphabetical: what the checks look for. */
export async function lexiconWords(db: Db): Promise<string[]> {
  const rows = await db.select({ word: sensitiveWords.word }).from(sensitiveWords).orderBy(asc(sensitiveWords.word));
  return rows.map((r) => r.word);
}
