import { randomBytes, randomUUID } from "node:crypto";

/** Auth.js's session cookie on plain http (the salt of its JWE is the cookie name). */
export const SESSION_COOKIE = "authjs.session-token";

/** Claims of a session token as the server issues them (server/auth/authConfig.ts). */
export interface SessionTokenClaims {
  sub: string;
  name?: string;
  role?: string;
  username?: string;
  /** Session id checked against sign-outs; every issued session has one. */
  sid?: string;
}

/**
 * A session cookie encrypted the way Auth.js does it, with `secret`. `maxAgeS` may be negative:
 * the token then expired that long ago. Used to make expired, other-secret and "would be valid"
 * control cookies; only a test that knows the server's AUTH_SECRET can make a valid one.
 */
export async function mintSessionCookie(
  claims: SessionTokenClaims,
  secret: string,
  { maxAgeS = 3600 }: { maxAgeS?: number } = {},
): Promise<string> {
  const { encode } = await import("next-auth/jwt");
  const token = await encode({
    token: { sid: randomUUID(), ...claims },
    secret,
    salt: SESSION_COOKIE,
    maxAge: maxAgeS,
  });
  return `${SESSION_COOKIE}=${token}`;
}

/** A fresh secret of the size the server asks for (AUTH_SECRET ≥ 32 characters). */
export const randomSecret = () => randomBytes(32).toString("base64url");

/**
 * Cookies that look like sessions but were never issued by the server: a tampered copy of a
 * real one (one character of its ciphertext changed), a truncated copy, an unencrypted JWT
 * claiming to be someone (alg "none"), random base64url, an empty value and chunked garbage.
 */
export function forgedCookies(realCookie: string, userId: string): Record<string, string> {
  const token = realCookie.slice(realCookie.indexOf("=") + 1);
  const parts = token.split(".");
  // A JWE compact token: header.key.iv.ciphertext.tag. Change one character of the ciphertext.
  const ciphertext = parts[3] ?? "";
  const flipped = ciphertext.length > 2 ? `${ciphertext[0] === "A" ? "B" : "A"}${ciphertext.slice(1)}` : "AAAA";
  const tampered = [...parts.slice(0, 3), flipped, ...parts.slice(4)].join(".");
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: userId, sid: randomUUID(), role: "editor" })}.`;
  return {
    tampered: `${SESSION_COOKIE}=${tampered}`,
    truncated: `${SESSION_COOKIE}=${token.slice(0, Math.floor(token.length / 2))}`,
    algNone: `${SESSION_COOKIE}=${unsigned}`,
    random: `${SESSION_COOKIE}=${randomBytes(180).toString("base64url")}`,
    empty: `${SESSION_COOKIE}=`,
    chunked: `${SESSION_COOKIE}.0=${parts.slice(0, 2).join(".")}; ${SESSION_COOKIE}.1=garbage`,
    securePrefixed: `__Secure-${SESSION_COOKIE}=${tampered}`,
  };
}

/** The signed-in user's id, as Auth.js's session endpoint reports it (null when not signed in). */
export async function sessionUserId(baseUrl: string, cookie: string): Promise<string | null> {
  const response = await fetch(`${baseUrl}/api/auth/session`, { headers: { cookie } });
  const session = (await response.json()) as { user?: { id?: string } } | null;
  return session?.user?.id ?? null;
}
