import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { accountView } from "@/server/accounts/accountList";
import { actorOf } from "@/server/auth/actorOf";
import { accountEditor } from "@/server/commands/accountEditor";
import { accountChangeBody } from "@/server/http/accountRequestSchemas";
import { readAccountRequest } from "@/server/http/adminAccess";
import { refusalResponse } from "@/server/http/commandResponse";

export const dynamic = "force-dynamic";

/** `PATCH /api/admin/users/:id` `{name?, role?, label?, disabled?}`: the account as it is now. */
export async function PATCH(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const read = await readAccountRequest(request, params, accountChangeBody);
  if ("error" in read) return read.error;
  const result = await accountEditor(getDb(), { actor: actorOf(read.user)!, userId: read.accountId, change: read.body });
  if (!result.ok) return refusalResponse(result);
  return NextResponse.json(accountView(result.user));
}
