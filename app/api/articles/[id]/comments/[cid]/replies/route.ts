import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { commentWriter } from "@/server/commands/commentWriter";
import { refusalResponse } from "@/server/http/commandResponse";
import { commentTextBody } from "@/server/http/requestSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/** `POST /api/articles/:id/comments/:cid/replies` `{text}`: answers a thread. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string; cid: string }> }) {
  const { id, cid } = await params;
  const read = await readUnsafeRequest(request, commentTextBody);
  if ("error" in read) return read.error;
  const result = await commentWriter(getDb(), { actor: read.user, articleId: id, text: read.body.text, replyTo: cid });
  if (!result.ok) return refusalResponse(result);
  return NextResponse.json({ id: result.comment.id }, { status: 201 });
}
