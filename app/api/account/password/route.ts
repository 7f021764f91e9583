import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { currentSessionId } from "@/server/auth/currentSession";
import { passwordChanger } from "@/server/commands/passwordChanger";
import { passwordChangeBody } from "@/server/http/accountRequestSchemas";
import { refusalResponse } from "@/server/http/commandResponse";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/** `POST /api/account/password` `{current, next}`: this session stays, every other one ends. */
export async function POST(request: Request) {
  const read = await readUnsafeRequest(request, passwordChangeBody, { temporaryPasswordAllowed: true });
  if ("error" in read) return read.error;
  const result = await passwordChanger(getDb(), { user: read.user, ...read.body, keepSessionId: await currentSessionId() });
  if (!result.ok) return refusalResponse(result);
  return NextResponse.json({ ok: true });
}
