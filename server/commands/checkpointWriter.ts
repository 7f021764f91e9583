import { desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleRevisions } from "../../db/schema";
import { revisionWriter } from "./revisionWriter";
import { captureContent } from "../articles/storyContent";

/** Writes an automatic checkpoint, unless the content equals the newest version already. */
export async function checkpointWriter(db: Db, articleId: string): Promise<void> {
  const content = await captureContent(db, articleId);
  const [latest] = await db
    .select({ contentHash: articleRevisions.contentHash, upToUpdateId: articleRevisions.upToUpdateId })
    .from(articleRevisions)
    .where(eq(articleRevisions.articleId, articleId))
    .orderBy(desc(articleRevisions.id))
    .limit(1);
  if (latest && (latest.contentHash === content.contentHash || latest.upToUpdateId === content.upToUpdateId)) return;
  await revisionWriter(db, { articleId, kind: "checkpoint", name: null, createdBy: null, content });
}
