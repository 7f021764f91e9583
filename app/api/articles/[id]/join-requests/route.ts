import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { joinRequester } from "@/server/commands/joinRequester";
import { refusalResponse } from "@/server/http/commandResponse";
import { emptyBody } from "@/server/http/requestSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/** `POST /api/articles/:id/join-requests`: a reporter asks to be put on the byline. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const read = await readUnsafeRequest(request, emptyBody);
  if ("error" in read) return read.error;
  const result = await joinRequester(getDb(), { actor: read.user, articleId: id });
  if (!result.ok) return refusalResponse(result);
  return NextResponse.json({ notified: result.notified }, { status: 201 });
}
