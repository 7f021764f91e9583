import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { sessionsEnder } from "@/server/commands/sessionsEnder";
import { endSessionsBody } from "@/server/http/accountRequestSchemas";
import { CLEAR_SITE_CACHE } from "@/server/http/signOutClearsCache";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/** `DELETE /api/account/sessions`: sign out everywhere, this session included. */
export async function DELETE(request: Request) {
  const read = await readUnsafeRequest(request, endSessionsBody, { temporaryPasswordAllowed: true });
  if ("error" in read) return read.error;
  const response = NextResponse.json(await sessionsEnder(getDb(), { user: read.user }));
  // This browser is signed out too: nothing of a story stays in its cache (signOutClearsCache.ts).
  response.headers.set(CLEAR_SITE_CACHE.name, CLEAR_SITE_CACHE.value);
  return response;
}
