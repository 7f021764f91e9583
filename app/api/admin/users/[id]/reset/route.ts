import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { actorOf } from "@/server/auth/actorOf";
import { passwordResetter } from "@/server/commands/passwordResetter";
import { passwordResetBody } from "@/server/http/accountRequestSchemas";
import { readAccountRequest } from "@/server/http/adminAccess";
import { refusalResponse } from "@/server/http/commandResponse";
import { publicOriginFor } from "@/server/http/publicOrigin";

export const dynamic = "force-dynamic";

/**
 * `POST /api/admin/users/:id/reset` `{method?: "link" | "temporary"}` → `{link, expiresAt}` (a
 * one-time link, the default) or `{temporaryPassword}`.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const read = await readAccountRequest(request, params, passwordResetBody);
  if ("error" in read) return read.error;
  const result = await passwordResetter(getDb(), { actor: actorOf(read.user)!, userId: read.accountId, method: read.body.method });
  if (!result.ok) return refusalResponse(result);
  if ("temporaryPassword" in result) return NextResponse.json({ temporaryPassword: result.temporaryPassword });
  const link = `${publicOriginFor(request.headers)}/reset/${result.token}`;
  return NextResponse.json({ link, expiresAt: result.expiresAt.toISOString() });
}
