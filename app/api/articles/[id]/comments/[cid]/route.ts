import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import type { User } from "@/db/schema";
import { commentEditor, type CommentEditorProps } from "@/server/commands/commentEditor";
import { refusalResponse } from "@/server/http/commandResponse";
import { commentTextBody, deleteCommentBody } from "@/server/http/requestSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; cid: string }> };

/** The request as a change: a DELETE takes no parameters, a PATCH the new `{text}`. */
async function readChange(request: Request): Promise<{ user: User; change: CommentEditorProps["change"] } | { error: Response }> {
  if (request.method === "DELETE") {
    const read = await readUnsafeRequest(request, deleteCommentBody);
    return "error" in read ? read : { user: read.user, change: { kind: "delete" } };
  }
  const read = await readUnsafeRequest(request, commentTextBody);
  return "error" in read ? read : { user: read.user, change: { kind: "edit", text: read.body.text } };
}

async function answer(request: Request, { params }: Params) {
  const { id, cid } = await params;
  const read = await readChange(request);
  if ("error" in read) return read.error;
  const result = await commentEditor(getDb(), { actor: read.user, articleId: id, commentId: cid, change: read.change });
  if (!result.ok) return refusalResponse(result);
  return NextResponse.json({ id: cid, deleted: result.comment.deletedAt !== null, text: result.comment.text });
}

/** `PATCH /api/articles/:id/comments/:cid` `{text}`: edits one's own comment. */
export async function PATCH(request: Request, context: Params) {
  return answer(request, context);
}

/** `DELETE /api/articles/:id/comments/:cid`: deletes one's own comment (its replies stay). */
export async function DELETE(request: Request, context: Params) {
  return answer(request, context);
}
