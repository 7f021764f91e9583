import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { diffView } from "@/server/history/diffView";
import { versionPoint } from "@/server/history/versionQueries";
import { apiError } from "@/server/http/apiErrors";
import { parseRequest, queryOf } from "@/server/http/parseRequest";
import { readableArticle } from "@/server/http/readableArticle";
import { diffQuery } from "@/server/http/requestSchemas";

export const dynamic = "force-dynamic";

/**
 * `GET /api/articles/:id/diff?from=&to=` (revision ids, or "live"): blocks of spans, each
 * span same/ins/del with its author, plus characters per author.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const access = await readableArticle(id);
  if ("error" in access) return access.error;
  const query = parseRequest(diffQuery, queryOf(request));
  if ("error" in query) return query.error;
  const db = getDb();
  const [from, to] = await Promise.all([query.data.from, query.data.to].map((point) => versionPoint(db, id, point)));
  if (!from || !to) return apiError("bad_request", "from 和 to 必须是版本编号或 live");
  return NextResponse.json(await diffView(db, id, from, to));
}
