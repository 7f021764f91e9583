import "server-only";
import type { z } from "zod";
import { getDb } from "../../db/client";
import type { Article, User } from "../../db/schema";
import type { Actor, ArticleAccessFacts } from "../../newsroom/actor";
import { can } from "../../newsroom/policy";
import { actorOf } from "../auth/actorOf";
import { findArticleFacts } from "../articles/articleFacts";
import { findWorkingUser } from "../auth/activeUser";
import { sessionUserId } from "../auth/currentUser";
import { apiError, articleNotFound, notSignedIn } from "./apiErrors";
import { parseRequest, queryOf } from "./parseRequest";

/** Who reads an article, and what the policy knows of it, once the reader is let in. */
export interface ArticleReader {
  user: User;
  actor: Actor;
  article: Article;
  facts: ArticleAccessFacts;
}

/** The start of every read route on an article: signed in, article exists, may read it. */
export async function readableArticle(articleId: string): Promise<ArticleReader | { error: Response }> {
  // Without a live session nothing is read. With one, the account and the article's facts
  // are read together (a round trip saved on every read of a story); nothing of the article
  // is answered until the checks below have let the reader in.
  const userId = await sessionUserId();
  if (!userId) return { error: notSignedIn() };
  const db = getDb();
  const [user, found] = await Promise.all([findWorkingUser(db, userId), findArticleFacts(db, articleId)]);
  const actor = user ? actorOf(user) : null;
  if (!user || !actor) return { error: notSignedIn() };
  if (!found) return { error: articleNotFound() };
  if (!can(actor, "read", found.facts)) return { error: apiError("forbidden", "没有查看这篇稿件的权限") };
  return { user, actor, article: found.article, facts: found.facts };
}

/**
 * A `GET` route on an article (`/api/articles/:id/...`) that any reader of it may call: the
 * handler runs with the route's params and the reader once `readableArticle` has let them in,
 * and every refusal (401, 404, 403) is answered before it.
 */
export function readableArticleRoute<Params extends { id: string }>(
  handler: (read: ArticleReader & { params: Params }) => Promise<Response>,
): (request: Request, context: { params: Promise<Params> }) => Promise<Response> {
  return async (_request, context) => {
    const params = await context.params;
    const access = await readableArticle(params.id);
    if ("error" in access) return access.error;
    return handler({ ...access, params });
  };
}

/**
 * The start of a read route that takes a query (`?from=&to=`, `?index=`): the article is
 * readable for this user, then the query matches its schema.
 */
export async function readableArticleQuery<Schema extends z.ZodType>(
  articleId: string,
  request: Request,
  schema: Schema,
): Promise<{ query: z.output<Schema> } | { error: Response }> {
  const access = await readableArticle(articleId);
  if ("error" in access) return access;
  const query = parseRequest(schema, queryOf(request));
  if ("error" in query) return query;
  return { query: query.data };
}
