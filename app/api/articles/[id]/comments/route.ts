import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { commentWriter } from "@/server/commands/commentWriter";
import { commentableArticle } from "@/server/http/commentableArticle";
import { refusalResponse } from "@/server/http/commandResponse";
import { newCommentBody } from "@/server/http/requestSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";
import { listCommentThreads } from "@/server/review/commentThreads";

export const dynamic = "force-dynamic";

/** `GET /api/articles/:id/comments`: every thread with its replies (members and the desk). */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const access = await commentableArticle(id);
  if ("error" in access) return access.error;
  return NextResponse.json({ threads: await listCommentThreads(getDb(), id) });
}

/** `POST /api/articles/:id/comments` `{anchor: {start, end}, quote?, text}`: starts a thread. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const read = await readUnsafeRequest(request, newCommentBody);
  if ("error" in read) return read.error;
  const { anchor, quote, text } = read.body;
  const result = await commentWriter(getDb(), { actor: read.user, articleId: id, text, thread: { anchor, quote } });
  if (!result.ok) return refusalResponse(result);
  return NextResponse.json({ id: result.comment.id }, { status: 201 });
}
