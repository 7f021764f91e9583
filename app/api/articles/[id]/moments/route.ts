import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { momentView } from "@/server/history/momentView";
import { parseRequest, queryOf } from "@/server/http/parseRequest";
import { readableArticle } from "@/server/http/readableArticle";
import { momentsQuery } from "@/server/http/requestSchemas";

export const dynamic = "force-dynamic";

/** `GET /api/articles/:id/moments?index=N`: the story after its N-th logged update. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const access = await readableArticle(id);
  if ("error" in access) return access.error;
  const query = parseRequest(momentsQuery, queryOf(request));
  if ("error" in query) return query.error;
  const { index } = query.data;
  return NextResponse.json(await momentView(getDb(), id, index < 0 ? Number.MAX_SAFE_INTEGER : index));
}
