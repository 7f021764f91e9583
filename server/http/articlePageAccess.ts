import "server-only";
import { notFound, redirect } from "next/navigation";
import { getDb } from "../../db/client";
import type { Article, User } from "../../db/schema";
import type { Actor, ArticleAccessFacts } from "../../newsroom/actor";
import { can } from "../../newsroom/policy";
import { findArticleFacts } from "../articles/articleFacts";
import { actorOf } from "../auth/actorOf";
import { currentUser } from "../auth/currentUser";

/** What a page about one story knows once the reader is let in. */
export interface ArticlePageAccess {
  user: User;
  actor: Actor;
  article: Article;
  facts: ArticleAccessFacts;
}

/**
 * The start of every page about one story: signed in (else to the login page, back to
 * `returnPath` afterwards), the story exists and this person may read it (else 404).
 */
export async function articlePageAccess(articleId: string, returnPath: string): Promise<ArticlePageAccess> {
  const user = await currentUser();
  const actor = user ? actorOf(user) : null;
  if (!user || !actor) redirect(`/login?next=${encodeURIComponent(returnPath)}`);
  const found = await findArticleFacts(getDb(), articleId);
  if (!found || !can(actor, "read", found.facts)) notFound();
  return { user, actor, article: found.article, facts: found.facts };
}
