import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { checkOverrider } from "@/server/commands/checkOverrider";
import { refusalResponse } from "@/server/http/commandResponse";
import { checkOverrideBody } from "@/server/http/requestSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/** `POST /api/articles/:id/checks/overrides` `{checkId, contentHash, reason}`: an editor lets a failed check through. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const read = await readUnsafeRequest(request, checkOverrideBody);
  if ("error" in read) return read.error;
  const result = await checkOverrider(getDb(), { actor: read.user, articleId: id, ...read.body });
  if (!result.ok) return refusalResponse(result);
  return NextResponse.json(result.report, { status: 201 });
}
