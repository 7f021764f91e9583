import "server-only";
import { and, desc, eq, notInArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleCheckOverrides, articleCheckRuns, users } from "../../db/schema";
import type { CheckResult } from "../../newsroom/checks/checkResult";
import { runChecks, type CheckedContent } from "../../newsroom/checks/runChecks";
import { currentLexicon } from "./lexicon";
import { checkRunsKeptPerStory, maxBodyCharacters, maxHeadlineCharacters } from "./reviewLimits";

/** A failed check an editor let through for this hash, and why. */
export interface CheckOverrideView {
  reason: string;
  by: string | null;
  at: string;
}

/** One check's verdict for a hash, with its override if it has one. */
export interface CheckView extends CheckResult {
  override: CheckOverrideView | null;
}

/** The machine checks of one version of a story (pinned to its content hash). */
export interface CheckReport {
  contentHash: string;
  checkedAt: string;
  /** The sensitive-word lexicon the checks ran against (its fingerprint, lexiconVersion). */
  lexiconVersion: string;
  checks: CheckView[];
  /** Ids of the failed checks nobody overrode: what blocks 签发. */
  blocking: string[];
}

/**
 * The checks' results for `content` (hashed as `contentHash`): the stored ones when they ran
 * against the lexicon as it is now, or run now with the newsroom's lexicon and limits and
 * stored with the hash and the lexicon's version (replacing a result from an older lexicon). Call with the transaction that
 * holds the story's row lock where the answer decides a transition.
 */
export async function checksForHash(
  db: Db,
  articleId: string,
  content: CheckedContent & { contentHash: string },
): Promise<{ results: CheckResult[]; checkedAt: Date; lexiconVersion: string }> {
  const key = and(eq(articleCheckRuns.articleId, articleId), eq(articleCheckRuns.contentHash, content.contentHash));
  const { words: lexicon, version } = await currentLexicon(db);
  const [stored] = await db.select().from(articleCheckRuns).where(key);
  // A result from another lexicon is old news: a word added since must not slip through 签发.
  if (stored && stored.lexiconVersion === version) {
    return { results: stored.results as CheckResult[], checkedAt: stored.createdAt, lexiconVersion: version };
  }
  const results = runChecks(content, {
    lexicon,
    maxBodyCharacters: maxBodyCharacters(),
    maxHeadlineCharacters: maxHeadlineCharacters(),
  });
  const [row] = await db
    .insert(articleCheckRuns)
    .values({ articleId, contentHash: content.contentHash, results, lexiconVersion: version })
    .onConflictDoUpdate({
      target: [articleCheckRuns.articleId, articleCheckRuns.contentHash],
      set: { results, lexiconVersion: version, createdAt: new Date() },
    })
    .returning();
  // Every saved text gets a hash, so only the newest runs are kept; an older text asked for
  // again (or approved) is simply checked again.
  const newest = db
    .select({ contentHash: articleCheckRuns.contentHash })
    .from(articleCheckRuns)
    .where(eq(articleCheckRuns.articleId, articleId))
    .orderBy(desc(articleCheckRuns.createdAt))
    .limit(checkRunsKeptPerStory());
  await db.delete(articleCheckRuns).where(and(eq(articleCheckRuns.articleId, articleId), notInArray(articleCheckRuns.contentHash, newest)));
  return { results, checkedAt: row?.createdAt ?? new Date(), lexiconVersion: version };
}

/** The checks whose verdict depends on the lexicon: their overrides hold for one lexicon version. */
const LEXICON_CHECKS: ReadonlySet<string> = new Set(["sensitive_words"]);

/** Whether a check's findings depend on the sensitive-word lexicon (so its overrides are tied to a version). */
export function dependsOnLexicon(checkId: string): boolean {
  return LEXICON_CHECKS.has(checkId);
}

/** The checks of `content` with the overrides recorded for its hash, and what still blocks. */
export async function checkReport(db: Db, articleId: string, content: CheckedContent & { contentHash: string }): Promise<CheckReport> {
  const { results, checkedAt, lexiconVersion: ranAgainst } = await checksForHash(db, articleId, content);
  const overrides = await db
    .select({
      checkId: articleCheckOverrides.checkId,
      reason: articleCheckOverrides.reason,
      by: users.displayName,
      at: articleCheckOverrides.createdAt,
      lexiconVersion: articleCheckOverrides.lexiconVersion,
    })
    .from(articleCheckOverrides)
    .leftJoin(users, eq(users.id, articleCheckOverrides.actorId))
    .where(and(eq(articleCheckOverrides.articleId, articleId), eq(articleCheckOverrides.contentHash, content.contentHash)));
  // A sensitive-word override was given for the words it saw: under another lexicon (a word
  // added since) it no longer holds, and the check blocks 签发 until overridden again.
  const holding = overrides.filter((o) => !dependsOnLexicon(o.checkId) || o.lexiconVersion === ranAgainst);
  const byCheck = new Map(holding.map((o) => [o.checkId, { reason: o.reason, by: o.by, at: o.at.toISOString() }]));
  const checks = results.map((result) => ({ ...result, override: byCheck.get(result.id) ?? null }));
  return {
    contentHash: content.contentHash,
    checkedAt: checkedAt.toISOString(),
    lexiconVersion: ranAgainst,
    checks,
    blocking: checks.filter((c) => c.status === "failed" && !c.override).map((c) => c.id),
  };
}
