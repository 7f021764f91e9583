import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { totpEnroller } from "@/server/commands/totpEnroller";
import { totpRemover } from "@/server/commands/totpRemover";
import { totpDisableBody, totpEnableBody } from "@/server/http/accountRequestSchemas";
import { refusalResponse } from "@/server/http/commandResponse";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/** `POST /api/account/totp` `{secret, code}`: the second factor on, once a code proves the app has it. */
export async function POST(request: Request) {
  const read = await readUnsafeRequest(request, totpEnableBody);
  if ("error" in read) return read.error;
  const result = await totpEnroller(getDb(), { user: read.user, ...read.body });
  return result.ok ? NextResponse.json({ totp: true }) : refusalResponse(result);
}

/** `DELETE /api/account/totp` `{code}`: the second factor off. */
export async function DELETE(request: Request) {
  const read = await readUnsafeRequest(request, totpDisableBody);
  if ("error" in read) return read.error;
  const result = await totpRemover(getDb(), { user: read.user, code: read.body.code });
  return result.ok ? NextResponse.json({ totp: false }) : refusalResponse(result);
}
