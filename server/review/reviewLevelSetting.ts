import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleSignoffs, reviewLevels, users, type ArticleSignoff } from "../../db/schema";
import { DEFAULT_REVIEW_LEVELS, type ReviewLevelSetting } from "../../newsroom/reviewLevels";

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
