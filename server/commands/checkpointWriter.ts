import type { Db } from "../../db/client";
import { captureContent } from "../articles/storyContent";
import { newestRevision } from "../history/newestRevision";
import { revisionWriter } from "./revisionWriter";

export interface CheckpointWriterProps {
  articleId: string;
}

/** Writes an automatic checkpoint, unless the content equals the newest version already. */
export async function checkpointWriter(db: Db, { articleId }: CheckpointWriterProps): Promise<void> {
  const content = await captureContent(db, articleId);
  const latest = await newestRevision(db, articleId);
  if (latest && (latest.contentHash === content.contentHash || latest.upToUpdateId === content.upToUpdateId)) return;
  await revisionWriter(db, { articleId, kind: "checkpoint", name: null, createdBy: null, content });
}
