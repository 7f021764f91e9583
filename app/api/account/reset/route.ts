import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { resetLinkRedeemer } from "@/server/commands/resetLinkRedeemer";
import { resetLinkBody } from "@/server/http/accountRequestSchemas";
import { refusalResponse } from "@/server/http/commandResponse";
import { parseRequest } from "@/server/http/parseRequest";
import { foreignOriginError, readJsonObject } from "@/server/http/requestGuards";

export const dynamic = "force-dynamic";

/** `POST /api/account/reset` `{token, next}`: a reset link sets a new password, once. No session needed. */
export async function POST(request: Request) {
  const refused = foreignOriginError(request);
  if (refused) return refused;
  const read = await readJsonObject(request);
  if ("error" in read) return read.error;
  const parsed = parseRequest(resetLinkBody, read.body);
  if ("error" in parsed) return parsed.error;
  const result = await resetLinkRedeemer(getDb(), parsed.data);
  if (!result.ok) return refusalResponse(result);
  return NextResponse.json({ username: result.username });
}
