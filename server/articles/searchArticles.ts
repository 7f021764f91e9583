import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users } from "../../db/schema";
import type { ArticleState } from "../../newsroom/articleStates";
import { setting } from "../env";
import { listArticles, type ArticleSummary } from "./listArticles";

/** A search as the request gave it (already shaped by `articleSearchQuery`). */
export interface ArticleSearch {
  q: string;
  state: ArticleState | "";
  /** Username of a byline member, or "". */
  member: string;
}

/**
 * The dashboard's and `GET /api/articles`'s search: Chinese (or any) substring of the title or
 * the stored text, state, byline member; newest edited first, at most SEARCH_MAX_RESULTS.
 * Everyone in the newsroom may read every story (policy `read`), so nothing is hidden here.
 * An unknown member is a mistake worth saying, not an empty list.
 */
export async function searchArticles(
  db: Db,
  search: ArticleSearch,
): Promise<{ articles: ArticleSummary[] } | { error: string }> {
  let memberId: string | undefined;
  if (search.member) {
    const [member] = await db.select({ id: users.id }).from(users).where(eq(users.username, search.member)).limit(1);
    if (!member) return { error: `没有用户“${search.member}”` };
    memberId = member.id;
  }
  const articles = await listArticles(db, {
    filter: { q: search.q || undefined, state: search.state || undefined, memberId },
    limit: setting("SEARCH_MAX_RESULTS"),
  });
  return { articles };
}
