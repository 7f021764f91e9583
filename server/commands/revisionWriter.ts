import "server-only";
import type { Db } from "../../db/client";
import { eq, sql } from "drizzle-orm";
import { articleRevisions, articles, type ArticleRevision } from "../../db/schema";
import { diffSize } from "../../newsroom/versionDiff";
import { compareVersions } from "../history/compareVersions";
import { editorsBetween, lastEditUpTo } from "../storyLog/logRows";
import { newestRevision } from "../history/newestRevision";
import { deletionsFromLog, type StoredDeletions } from "../history/storedDeletions";
import type { CapturedContent } from "../articles/storyContent";

export type RevisionKind = "transition" | "named" | "checkpoint" | "restore";

export interface RevisionWriterProps {
  articleId: string;
  kind: RevisionKind;
  name?: string | null;
  createdBy: string | null;
  content: CapturedContent;
}

/**
 * Stores a version of the story (state, ProseMirror JSON, text, hash) with what changed since
 * the previous version: who edited, how many characters were added and removed, and who
 * deleted what (so comparisons read versions, not the log). The text also becomes the story's
 * searchable text.
 */
export async function revisionWriter(db: Db, props: RevisionWriterProps): Promise<ArticleRevision> {
  const { content, articleId } = props;
  const previous = await newestRevision(db, articleId);
  const since = previous ?? { state: new Uint8Array(), upToUpdateId: 0 };
  // The rows since the previous version are read once here, and their deletions kept with
  // this version, so later comparisons across it need not read them again.
  const deleted = await deletionsFromLog(db, articleId, since.upToUpdateId, content.upToUpdateId);
  const deletions: StoredDeletions = { after: since.upToUpdateId, ranges: [...deleted.ranges()] };
  const size = diffSize(await compareVersions(db, articleId, since, content, deleted));
  const editors = await editorsBetween(db, articleId, since.upToUpdateId, content.upToUpdateId);
  const [revision] = await db
    .insert(articleRevisions)
    .values({
      articleId,
      kind: props.kind,
      name: props.name ?? null,
      upToUpdateId: content.upToUpdateId,
      state: content.state,
      title: content.title,
      bodyJson: content.body,
      text: content.text,
      byline: content.byline,
      dateline: content.dateline,
      contentHash: content.contentHash,
      charsAdded: size.added,
      charsRemoved: size.removed,
      editors,
      deletions,
      createdBy: props.createdBy,
    })
    .returning();
  // Search reads the newest stored text from the story's row (one index, no join). Commits
  // write the row's time and last editor at most every STORY_LIST_TOUCH_MS (appendRows.ts):
  // the version brings them up to its last stored edit, so the dashboard is never stale for good.
  const lastEdit = await lastEditUpTo(db, articleId, content.upToUpdateId);
  await db
    .update(articles)
    .set({
      bodyText: content.text,
      ...(lastEdit && { updatedAt: sql`greatest(${articles.updatedAt}, ${lastEdit.at.toISOString()}::timestamptz)` }),
      ...(lastEdit?.userId && { lastEditedBy: lastEdit.userId }),
    })
    .where(eq(articles.id, articleId));
  return revision;
}
