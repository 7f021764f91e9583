import { mayEditText } from "./workflow";
import type { ArticleState } from "./articleStates";
import type { Role } from "./roles";

/** Who is asking: the signed-in user as the rules see them. */
export interface Actor {
  id: string;
  role: Role;
}

/** What the rules need to know about an article. */
export interface ArticleAccessFacts {
  state: ArticleState;
  memberIds: readonly string[];
}

/**
 * Every signed-in member of the newsroom may read every story. (The workflow narrows writing;
 * reading stays open inside the newsroom so the desk can follow what is being written.)
 */
export function canReadArticle(actor: Actor | null, _article: ArticleAccessFacts): boolean {
  return actor !== null;
}

/** Who may change a story's text right now: the workflow's rule (workflow.ts). */
export function canEditArticle(actor: Actor | null, article: ArticleAccessFacts): boolean {
  return actor !== null && mayEditText(actor, article);
}

/** Any signed-in reporter or editor may start a story. */
export function canCreateArticle(actor: Actor | null): boolean {
  return actor !== null;
}
