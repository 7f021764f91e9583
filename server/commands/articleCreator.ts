import type { Db } from "../../db/client";
import { articleMembers, articles, type User } from "../../db/schema";

export interface ArticleCreatorProps {
  actor: User;
  title: string;
}

/** Longest title accepted, in characters (a headline, not a paragraph). */
export const MAX_TITLE_LENGTH = 200;

/**
 * Creates an article. A reporter who creates it is its first byline member. The live document
 * is not written here: the collaboration server creates the first content once, when the room
 * first loads (DESIGN.md §3), from this title.
 */
export async function articleCreator(db: Db, { actor, title }: ArticleCreatorProps): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    const [article] = await tx
      .insert(articles)
      .values({ title: title.trim(), createdBy: actor.id, lastEditedBy: actor.id })
      .returning({ id: articles.id });
    if (actor.role === "reporter") {
      await tx
        .insert(articleMembers)
        .values({ articleId: article.id, userId: actor.id, label: actor.bylineLabel, position: 0 });
    }
    return article;
  });
}
