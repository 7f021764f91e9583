import "server-only";
import { and, asc, eq, inArray, max, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleAudit, articleSignoffs, reviewLevels, users, type ArticleSignoff, type User } from "../../db/schema";
import type { Actor } from "../../newsroom/actor";
import { DEFAULT_REVIEW_LEVELS, type ReviewLevelSetting, type SignerRoster } from "../../newsroom/reviewLevels";
import { actorOf } from "../auth/actorOf";

/** Any fixed number: every process takes the same transaction-scoped lock for the setting. */
export const REVIEW_LEVELS_LOCK_KEY = 7_260_534;

/**
 * The setting, read once under the shared levels lock: a sign-off or an approval sees either the
 * levels before a change or after it, never a change half-way through its transaction (the
 * editor takes the lock exclusively). Call inside the transaction that acts on it.
 */
export async function lockedReviewLevelSetting(tx: Db): Promise<ReviewLevelSetting> {
  await tx.execute(sql`select pg_advisory_xact_lock_shared(${REVIEW_LEVELS_LOCK_KEY})`);
  return reviewLevelSetting(tx);
}

/**
 * The accounts that may still sign, among the setting's listed signers and the story's signers:
 * enabled ones, with their current role (a disabled or demoted signer's sign-off stops counting).
 */
export async function signerRoster(db: Db, setting: ReviewLevelSetting, signoffs: readonly ArticleSignoff[]): Promise<SignerRoster> {
  const ids = [...new Set([...setting.levels.flatMap((l) => l.signerIds), ...signoffs.map((s) => s.signerId)])];
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(users).where(inArray(users.id, ids));
  const roster = new Map<string, Actor>();
  for (const row of rows) {
    const actor = row.disabled ? null : actorOf(row as User);
    if (actor) roster.set(row.id, actor);
  }
  return roster;
}

/** Id of the audit entry of the story's latest 提交 (0 when never submitted): where its current submission cycle starts. */
export async function submissionCycleStart(db: Db, articleId: string): Promise<number> {
  const [row] = await db
    .select({ last: max(articleAudit.id) })
    .from(articleAudit)
    .where(and(eq(articleAudit.articleId, articleId), eq(articleAudit.action, "submit")));
  return Number(row?.last ?? 0);
}

/** The newsroom's review levels in order; the default single level when none are configured. */
export async function reviewLevelSetting(db: Db): Promise<ReviewLevelSetting> {
  const rows = await db.select().from(reviewLevels).orderBy(asc(reviewLevels.position));
  if (rows.length === 0) return DEFAULT_REVIEW_LEVELS;
  return {
    levels: rows.map((row) => ({ name: row.name, anyEditor: row.anyEditor, signerIds: row.signerIds })),
    isDefault: false,
  };
}

/** Every sign-off of one story, in the order they were made. */
export async function storySignoffs(db: Db, articleId: string): Promise<ArticleSignoff[]> {
  return db.select().from(articleSignoffs).where(eq(articleSignoffs.articleId, articleId)).orderBy(asc(articleSignoffs.id));
}

/** One sign-off of a story, or null. */
export async function findSignoff(db: Db, articleId: string, signoffId: number): Promise<ArticleSignoff | null> {
  const [row] = await db
    .select()
    .from(articleSignoffs)
    .where(and(eq(articleSignoffs.articleId, articleId), eq(articleSignoffs.id, signoffId)));
  return row ?? null;
}

/** A level as the admin console edits it: signers by username ("editors": any editor). */
export interface ConfiguredLevel {
  name: string;
  signers: "editors" | { username: string; name: string }[];
}

/** The configured levels for the admin console (empty: the default is in force). */
export async function configuredLevels(db: Db): Promise<ConfiguredLevel[]> {
  const setting = await reviewLevelSetting(db);
  if (setting.isDefault) return [];
  const ids = [...new Set(setting.levels.flatMap((l) => l.signerIds))];
  const accounts = ids.length
    ? await db.select({ id: users.id, username: users.username, name: users.displayName }).from(users).where(inArray(users.id, ids))
    : [];
  const byId = new Map(accounts.map((a) => [a.id, { username: a.username, name: a.name }]));
  return setting.levels.map((level) => ({
    name: level.name,
    signers: level.anyEditor ? "editors" : level.signerIds.flatMap((id) => byId.get(id) ?? []),
  }));
}
