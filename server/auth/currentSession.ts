import "server-only";
import { headers } from "next/headers";
import { sessionClaims } from "./sessionToken";

/** The id of this request's session (from its cookie), so "end the other sessions" can keep it. */
export async function currentSessionId(): Promise<string | undefined> {
  const secret = process.env.AUTH_SECRET;
  if (!secret) return undefined;
  const claims = await sessionClaims((await headers()).get("cookie") ?? undefined, secret);
  return typeof claims?.sessionId === "string" ? claims.sessionId : undefined;
}
