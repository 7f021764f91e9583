import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { sessionsEnder } from "@/server/commands/sessionsEnder";
import { endSessionsBody } from "@/server/http/accountRequestSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/** `DELETE /api/account/sessions`: sign out everywhere, this session included. */
export async function DELETE(request: Request) {
  const read = await readUnsafeRequest(request, endSessionsBody, { temporaryPasswordAllowed: true });
  if ("error" in read) return read.error;
  return NextResponse.json(await sessionsEnder(getDb(), { user: read.user }));
}
