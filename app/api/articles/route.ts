import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { can } from "@/newsroom/policy";
import { withPresence } from "@/server/articles/articleView";
import { getArticleSummary } from "@/server/articles/listArticles";
import { searchArticles } from "@/server/articles/searchArticles";
import { actorOf } from "@/server/auth/actorOf";
import { currentUser } from "@/server/auth/currentUser";
import { articleCreator } from "@/server/commands/articleCreator";
import { setting } from "@/server/env";
import { apiError, notSignedIn } from "@/server/http/apiErrors";
import { parseRequest, queryOf } from "@/server/http/parseRequest";
import { articleSearchQuery, newArticleBody } from "@/server/http/requestSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/**
 * `GET /api/articles?q=&state=&member=`: articles, most recently edited first, narrowed by a
 * search string (title or text contains it), a state and a byline member (username).
 */
export async function GET(request: Request) {
  const user = await currentUser();
  if (!user) return notSignedIn();
  const query = parseRequest(articleSearchQuery(setting("SEARCH_QUERY_MAX_CHARS")), queryOf(request));
  if ("error" in query) return query.error;
  const found = await searchArticles(getDb(), query.data);
  if ("error" in found) return apiError("invalid_request", found.error);
  return NextResponse.json({ articles: withPresence(found.articles) });
}

/** `POST /api/articles` `{title?}` → 201 with the new article. */
export async function POST(request: Request) {
  const read = await readUnsafeRequest(request, newArticleBody);
  if ("error" in read) return read.error;
  if (!can(actorOf(read.user), "create")) return apiError("forbidden", "没有新建稿件的权限");
  const db = getDb();
  const { id } = await articleCreator(db, { actor: read.user, title: read.body.title });
  const [created] = withPresence([(await getArticleSummary(db, id))!]);
  return NextResponse.json(created, { status: 201 });
}
