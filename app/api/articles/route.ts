import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { can } from "@/newsroom/policy";
import { withPresence } from "@/server/articles/articleView";
import { getArticleSummary, listArticles } from "@/server/articles/listArticles";
import { actorOf } from "@/server/auth/actorOf";
import { currentUser } from "@/server/auth/currentUser";
import { articleCreator } from "@/server/commands/articleCreator";
import { apiError, notSignedIn } from "@/server/http/apiErrors";
import { newArticleBody } from "@/server/http/requestSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/** `GET /api/articles`: every article, most recently edited first. */
export async function GET() {
  const user = await currentUser();
  if (!user) return notSignedIn();
  return NextResponse.json({ articles: withPresence(await listArticles(getDb())) });
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
