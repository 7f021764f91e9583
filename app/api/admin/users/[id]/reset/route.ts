import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { actorOf } from "@/server/auth/actorOf";
import { passwordResetter } from "@/server/commands/passwordResetter";
import { accountIdParam, passwordResetBody } from "@/server/http/accountRequestSchemas";
import { notAdminError } from "@/server/http/adminAccess";
import { apiError } from "@/server/http/apiErrors";
import { refusalResponse } from "@/server/http/commandResponse";
import { publicOriginFor } from "@/server/http/publicOrigin";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/**
 * `POST /api/admin/users/:id/reset` `{method?: "link" | "temporary"}` → `{link, expiresAt}` (a
 * one-time link, the default) or `{temporaryPassword}`.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const read = await readUnsafeRequest(request, passwordResetBody);
  if ("error" in read) return read.error;
  const refused = notAdminError(read.user);
  if (refused) return refused;
  const id = accountIdParam.safeParse((await params).id);
  if (!id.success) return apiError("not_found", "没有这个账号");
  const result = await passwordResetter(getDb(), { actor: actorOf(read.user)!, userId: id.data, method: read.body.method });
  if (!result.ok) return refusalResponse(result);
  if ("temporaryPassword" in result) return NextResponse.json({ temporaryPassword: result.temporaryPassword });
  const link = `${publicOriginFor(request.headers)}/reset/${result.token}`;
  return NextResponse.json({ link, expiresAt: result.expiresAt.toISOString() });
}
