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

/** This request's session: its id, when it began and when its token expires (each when known). */
export async function currentSessionTimes(): Promise<{ sessionId: string | undefined; signedInAt?: number; expiresAt?: number }> {
  const secret = process.env.AUTH_SECRET;
  if (!secret) return { sessionId: undefined };
  const claims = await sessionClaims((await headers()).get("cookie") ?? undefined, secret);
  return {
    sessionId: typeof claims?.sessionId === "string" ? claims.sessionId : undefined,
    signedInAt: claims?.signedInAt,
    expiresAt: claims?.expiresAt,
  };
}
