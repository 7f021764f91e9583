import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { momentView } from "@/server/history/momentView";
import { readableArticleQuery } from "@/server/http/readableArticle";
import { momentsQuery } from "@/server/http/requestSchemas";

export const dynamic = "force-dynamic";

/** `GET /api/articles/:id/moments?index=N`: the story after its N-th logged update. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const read = await readableArticleQuery(id, request, momentsQuery);
  if ("error" in read) return read.error;
  const { index } = read.query;
  return NextResponse.json(await momentView(getDb(), id, index < 0 ? Number.MAX_SAFE_INTEGER : index));
}
