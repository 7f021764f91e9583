import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { captureContent } from "@/server/articles/storyContent";
import { readableArticle } from "@/server/http/readableArticle";
import { checkReport } from "@/server/review/checkReport";

export const dynamic = "force-dynamic";

/**
 * `GET /api/articles/:id/checks`: the machine checks of the story's saved text, pinned to its
 * content hash (run and stored the first time anyone asks for that hash), with overrides and
 * what still blocks 签发.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const access = await readableArticle(id);
  if ("error" in access) return access.error;
  const db = getDb();
  return NextResponse.json(await checkReport(db, id, await captureContent(db, id)));
}
