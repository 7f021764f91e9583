import "server-only";
import type { Db } from "../../db/client";
import { articleMembers, articles, type User } from "../../db/schema";
import type { StoryBlock } from "../../newsroom/storyBlocks";

/** An imported story's reviewed draft (issue 13): what the new story starts with. */
export interface ImportedDraft {
  body: StoryBlock[];
  /** Reporters for the byline, in its order (checked by the caller: enabled reporter accounts). */
  members: { userId: string; label: string }[];
  dateline: string | null;
}

export interface ArticleCreatorProps {
  actor: User;
  title: string;
  draft?: ImportedDraft;
}

/** Longest title accepted, in characters (a headline, not a paragraph). */
export const MAX_TITLE_LENGTH = 200;

/**
 * Creates an article. A reporter who creates it is its first byline member. The live document
 * is not written here: the collaboration server creates the first content once, when the room
 * first loads (DESIGN.md §3), from this title and, for an imported story, its draft body. An
 * imported byline is kept in its order; a reporter who imports is on it whatever the text said.
 */
export async function articleCreator(db: Db, { actor, title, draft }: ArticleCreatorProps): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    const [article] = await tx
      .insert(articles)
      .values({
        title: title.trim(),
        createdBy: actor.id,
        lastEditedBy: actor.id,
        ...(draft ? { initialBody: draft.body } : {}),
        ...(draft?.dateline ? { dateline: draft.dateline } : {}),
      })
      .returning({ id: articles.id });
    const members = [...(draft?.members ?? [])];
    if (actor.role === "reporter" && !members.some((m) => m.userId === actor.id)) {
      members.unshift({ userId: actor.id, label: actor.bylineLabel });
    }
    if (members.length > 0) {
      await tx
        .insert(articleMembers)
        .values(members.map((member, position) => ({ articleId: article.id, userId: member.userId, label: member.label, position })));
    }
    return article;
  });
}
