import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { accountView, listAccounts } from "@/server/accounts/accountList";
import { actorOf } from "@/server/auth/actorOf";
import { accountCreator } from "@/server/commands/accountCreator";
import { newAccountBody } from "@/server/http/accountRequestSchemas";
import { adminUser, readAdminRequest } from "@/server/http/adminAccess";
import { refusalResponse } from "@/server/http/commandResponse";

export const dynamic = "force-dynamic";

/** `GET /api/admin/users`: every account (admins only). */
export async function GET() {
  const admin = await adminUser();
  if ("error" in admin) return admin.error;
  return NextResponse.json({ users: await listAccounts(getDb()) });
}

/** `POST /api/admin/users` `{username, name, role, label?, password?}` → 201 (with `temporaryPassword` when none was given). */
export async function POST(request: Request) {
  const read = await readAdminRequest(request, newAccountBody);
  if ("error" in read) return read.error;
  const result = await accountCreator(getDb(), { actor: actorOf(read.user)!, ...read.body });
  if (!result.ok) return refusalResponse(result);
  return NextResponse.json({ ...accountView(result.user), temporaryPassword: result.temporaryPassword }, { status: 201 });
}
