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
  /** Who started the story (may bring colleagues onto its byline); unknown when absent. */
  createdBy?: string | null;
}

/** The desk: editors, and admins, who may do whatever editors may. */
export function isDesk(actor: Actor): boolean {
  return actor.role === "editor" || actor.role === "admin";
}

/** A reporter on this story's byline. */
export function isMember(actor: Actor, article: ArticleAccessFacts): boolean {
  return actor.role === "reporter" && article.memberIds.includes(actor.id);
}
