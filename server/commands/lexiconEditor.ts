import "server-only";
import { count, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { sensitiveWords, type User } from "../../db/schema";
import { can } from "../../newsroom/policy";
import { actorOf } from "../auth/actorOf";
import { bumpLexiconRevision } from "../review/lexicon";
import { maxLexiconWords } from "../review/reviewLimits";
import { refuse, type CommandResult } from "./commandResult";

/** Longest lexicon word, in characters. */
export const MAX_LEXICON_WORD_LENGTH = 50;

export interface LexiconEditorProps {
  actor: User;
  change: { kind: "add" | "remove"; words: string[] };
}

/**
 * Adds words to the sensitive-word lexicon or removes them (admins only), in one transaction.
 * Stored check results carry the version of the lexicon they ran against, so after a change
 * the next look at a story's checks, and every approval, runs them again.
 */
export async function lexiconEditor(db: Db, { actor, change }: LexiconEditorProps): Promise<CommandResult<{ changed: number }>> {
  if (!can(actorOf(actor), "manageLexicon")) return refuse("forbidden", "只有系统管理员可以管理敏感词库");
  const words = [...new Set(change.words.map((w) => w.trim()))];
  if (words.length === 0 || words.some((w) => w.length === 0 || w.length > MAX_LEXICON_WORD_LENGTH)) {
    return refuse("bad_request", `敏感词需为 1–${MAX_LEXICON_WORD_LENGTH} 个字`);
  }
  return db.transaction(async (tx): Promise<CommandResult<{ changed: number }>> => {
    let changed: number;
    if (change.kind === "add") {
      const [row] = await tx.select({ n: count() }).from(sensitiveWords);
      const limit = maxLexiconWords();
      if (Number(row?.n ?? 0) + words.length > limit) return refuse("conflict", `敏感词库最多 ${limit} 个词`);
      const added = await tx
        .insert(sensitiveWords)
        .values(words.map((word) => ({ word, createdBy: actor.id })))
        .onConflictDoNothing()
        .returning({ id: sensitiveWords.id });
      changed = added.length;
    } else {
      const removed = await tx.delete(sensitiveWords).where(inArray(sensitiveWords.word, words)).returning({ id: sensitiveWords.id });
      changed = removed.length;
    }
    // Every process's cached lexicon (`currentLexicon`) is checked against this counter.
    if (changed > 0) await bumpLexiconRevision(tx);
    // No stored check result is dropped here: each says which lexicon it ran against
    // (`lexiconVersion`), so the next read runs the changed lexicon. Dropping them all instead
    // wrote to every story's results and lost to a check already running on the old words,
    // which stored its result after this commit.
    return { ok: true, changed };
  });
}
