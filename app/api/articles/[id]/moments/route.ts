import { NextResponse } from "next/server";
import { getDb } from "../../../../../db/client";
import { momentView } from "../../../../../server/history/momentView";
import { apiError } from "../../../../../server/http/apiErrors";
import { readableArticle } from "../../../../../server/http/readableArticle";

export const dynamic = "force-dynamic";

/** `GET /api/articles/:id/moments?index=N`: the story after its N-th logged update. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const access = await readableArticle(id);
  if ("error" in access) return access.error;
  const raw = new URL(request.url).searchParams.get("index") ?? "-1";
  if (!/^-?\d{1,9}$/.test(raw)) return apiError("bad_request", "index 必须是整数");
  const index = Number(raw);
  return NextResponse.json(await momentView(getDb(), id, index < 0 ? Number.MAX_SAFE_INTEGER : index));
}
