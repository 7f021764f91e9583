import type { Db } from "../../db/client";
import { articleRevisions, type ArticleRevision } from "../../db/schema";
import type { CapturedContent } from "./storyContent";

export interface RevisionWriterProps {
  articleId: string;
  kind: "transition" | "named" | "checkpoint";
  name?: string | null;
  createdBy: string | null;
  content: CapturedContent;
}

/** Stores a version of the story (state, ProseMirror JSON, text, hash). */
export async function revisionWriter(db: Db, props: RevisionWriterProps): Promise<ArticleRevision> {
  const { content } = props;
  const [revision] = await db
    .insert(articleRevisions)
    .values({
      articleId: props.articleId,
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
      createdBy: props.createdBy,
    })
    .returning();
  return revision;
}
