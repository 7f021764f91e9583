import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { diffView } from "@/server/history/diffView";
import { versionPoint } from "@/server/history/versionQueries";
import { apiError } from "@/server/http/apiErrors";
import { readableArticleQuery } from "@/server/http/readableArticle";
import { diffQuery } from "@/server/http/requestSchemas";

export const dynamic = "force-dynamic";

/**
 * `GET /api/articles/:id/diff?from=&to=` (revision ids, or "live"): blocks of spans, each
 * span same/ins/del with its author, plus characters per author.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const read = await readableArticleQuery(id, request, diffQuery);
  if ("error" in read) return read.error;
  const db = getDb();
  const [from, to] = await Promise.all([read.query.from, read.query.to].map((point) => versionPoint(db, id, point)));
  if (!from || !to) return apiError("bad_request", "from 和 to 必须是版本编号或 live");
  return NextResponse.json(await diffView(db, id, from, to));
}
