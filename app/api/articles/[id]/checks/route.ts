import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { captureContent } from "@/server/articles/storyContent";
import { readableArticleRoute } from "@/server/http/readableArticle";
import { checkReport } from "@/server/review/checkReport";

export const dynamic = "force-dynamic";

/**
 * `GET /api/articles/:id/checks`: the machine checks of the story's saved text, pinned to its
 * content hash (run and stored the first time anyone asks for that hash), with overrides and
 * what still blocks 签发.
 */
export const GET = readableArticleRoute(async ({ params: { id } }) => {
  const db = getDb();
  return NextResponse.json(await checkReport(db, id, await captureContent(db, id)));
});
