import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { accountView } from "@/server/accounts/accountList";
import { actorOf } from "@/server/auth/actorOf";
import { accountEditor } from "@/server/commands/accountEditor";
import { accountChangeBody, accountIdParam } from "@/server/http/accountRequestSchemas";
import { notAdminError } from "@/server/http/adminAccess";
import { apiError } from "@/server/http/apiErrors";
import { refusalResponse } from "@/server/http/commandResponse";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/** `PATCH /api/admin/users/:id` `{name?, role?, label?, disabled?}`: the account as it is now. */
export async function PATCH(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const read = await readUnsafeRequest(request, accountChangeBody);
  if ("error" in read) return read.error;
  const refused = notAdminError(read.user);
  if (refused) return refused;
  const id = accountIdParam.safeParse((await params).id);
  if (!id.success) return apiError("not_found", "没有这个账号");
  const result = await accountEditor(getDb(), { actor: actorOf(read.user)!, userId: id.data, change: read.body });
  if (!result.ok) return refusalResponse(result);
  return NextResponse.json(accountView(result.user));
}
