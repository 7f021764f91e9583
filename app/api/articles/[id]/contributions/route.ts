import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { authorship } from "@/server/history/authorship";
import { readableArticleRoute } from "@/server/http/readableArticle";

export const dynamic = "force-dynamic";

/**
 * `GET /api/articles/:id/contributions`: characters of the current text per person (写作贡献),
 * without the client-id map of `/authors` that only 显示作者 needs.
 */
export const GET = readableArticleRoute(async ({ params: { id } }) => {
  const { contributions } = await authorship(getDb(), id);
  return NextResponse.json({ contributions });
});
