import "server-only";
import type { Db } from "../../db/client";
import { captureContent } from "../articles/storyContent";
import { newestRevision } from "../history/newestRevision";
import { lockedArticleFacts } from "./lockedArticleFacts";
import { revisionWriter } from "./revisionWriter";

export interface CheckpointWriterProps {
  articleId: string;
}

/**
 * Writes an automatic checkpoint, unless the content equals the newest version already. One
 * transaction under the story's row lock: two processes (or a transition racing the scheduler)
 * never write the same checkpoint twice, and the version's "previous" is the one it follows.
 */
export async function checkpointWriter(db: Db, { articleId }: CheckpointWriterProps): Promise<void> {
  await db.transaction(async (tx) => {
    if (!(await lockedArticleFacts(tx, articleId))) return;
    const content = await captureContent(tx, articleId);
    const latest = await newestRevision(tx, articleId);
    if (latest && (latest.contentHash === content.contentHash || latest.upToUpdateId === content.upToUpdateId)) return;
    await revisionWriter(tx, { articleId, kind: "checkpoint", name: null, createdBy: null, content });
  });
}
