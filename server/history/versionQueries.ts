import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleRevisions, users, type ArticleRevision } from "../../db/schema";
import { personOf, type Person } from "../../newsroom/person";
import { liveAccess } from "../collab/liveAccess";
import { loadStoredDocument } from "../storyLog/storedDocument";
import type { VersionPoint } from "./compareVersions";

/** Names and colours for user ids (unknown ids are left out). */
export async function peopleById(db: Db, ids: Iterable<string | null>): Promise<Map<string, Person>> {
  const wanted = [...new Set([...ids].filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, displayName: users.displayName, colorIndex: users.colorIndex })
    .from(users)
    .where(inArray(users.id, wanted));
  return new Map(rows.map((row) => [row.id, personOf(row)]));
}

export async function listRevisions(db: Db, articleId: string): Promise<ArticleRevision[]> {
  return db.select().from(articleRevisions).where(eq(articleRevisions.articleId, articleId)).orderBy(desc(articleRevisions.id));
}

export async function findRevision(db: Db, articleId: string, revisionId: number): Promise<ArticleRevision | null> {
  if (!Number.isSafeInteger(revisionId)) return null;
  const [row] = await db
    .select()
    .from(articleRevisions)
    .where(and(eq(articleRevisions.articleId, articleId), eq(articleRevisions.id, revisionId)));
  return row ?? null;
}

/** A version named in a request: a revision id, or "live" for the committed draft. */
export async function versionPoint(db: Db, articleId: string, ref: string): Promise<VersionPoint | null> {
  if (ref === "live") {
    await liveAccess().flush(); // the live draft includes what was just typed
    const stored = await loadStoredDocument(db, articleId);
    return { state: stored.state ?? new Uint8Array([0, 0]), upToUpdateId: stored.lastUpdateId };
  }
  if (!/^\d{1,15}$/.test(ref)) return null;
  const revision = await findRevision(db, articleId, Number(ref));
  return revision ? { state: revision.state, upToUpdateId: revision.upToUpdateId } : null;
}

export { logLength, logRowAt } from "../storyLog/logRows";
