import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { publicationScheduler } from "@/server/commands/publicationScheduler";
import { refusalResponse } from "@/server/http/commandResponse";
import { emptyBody } from "@/server/http/requestSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/** `DELETE /api/articles/:id/schedule`: calls off a scheduled publication (the desk). */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const read = await readUnsafeRequest(request, emptyBody);
  if ("error" in read) return read.error;
  const result = await publicationScheduler(getDb(), { actor: read.user, articleId: id, at: null });
  if (!result.ok) return refusalResponse(result);
  return NextResponse.json({ id, publishAt: null });
}
