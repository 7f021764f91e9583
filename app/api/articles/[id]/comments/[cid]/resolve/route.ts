import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { commentResolver } from "@/server/commands/commentResolver";
import { refusalResponse } from "@/server/http/commandResponse";
import { resolveCommentBody } from "@/server/http/requestSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/** `POST /api/articles/:id/comments/:cid/resolve` `{resolved}`: resolves or reopens a thread. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string; cid: string }> }) {
  const { id, cid } = await params;
  const read = await readUnsafeRequest(request, resolveCommentBody);
  if ("error" in read) return read.error;
  const { resolved } = read.body;
  const result = await commentResolver(getDb(), { actor: read.user, articleId: id, commentId: cid, resolved });
  if (!result.ok) return refusalResponse(result);
  return NextResponse.json({ id: cid, resolved: result.comment.resolvedAt !== null });
}
