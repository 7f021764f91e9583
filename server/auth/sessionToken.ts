import "server-only";
import { decode } from "next-auth/jwt";

/** Auth.js's session cookie: `__Secure-` prefixed behind HTTPS, plain on http://localhost. */
export const SESSION_COOKIE_NAMES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(raw));
    } catch {
      cookies.set(name, raw);
    }
  }
  return cookies;
}

/** Auth.js splits a large cookie into `name.0`, `name.1`, …; joins them back. */
function cookieValue(cookies: Map<string, string>, name: string): string | undefined {
  const whole = cookies.get(name);
  if (whole) return whole;
  const chunks: string[] = [];
  for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
  return chunks.length > 0 ? chunks.join("") : undefined;
}

/** What a session cookie says: whose session, and which one (for sign-out revocation). */
export interface SessionClaims {
  userId: string;
  sessionId: unknown;
  /** When the session began (ms; absent on sessions from older versions): its absolute lifetime counts from it. */
  signedInAt?: number;
  /** When this cookie's token expires (ms), from its `exp`. */
  expiresAt?: number;
}

/**
 * The claims of a valid, unexpired session cookie, or null. The cookie is an encrypted JWT
 * (JWE); a forged, tampered, expired or other-secret cookie fails to decrypt and gives null.
 * Whether the session was signed out is the caller's check (sessionRevocation.ts).
 */
export async function sessionClaims(cookieHeader: string | undefined, secret: string): Promise<SessionClaims | null> {
  const cookies = parseCookieHeader(cookieHeader);
  for (const name of SESSION_COOKIE_NAMES) {
    const token = cookieValue(cookies, name);
    if (!token) continue;
    try {
      const payload = await decode({ token, secret, salt: name });
      if (payload && typeof payload.sub === "string") {
        return {
          userId: payload.sub,
          sessionId: payload.sid,
          signedInAt: typeof payload.signedInAt === "number" ? payload.signedInAt : undefined,
          expiresAt: typeof payload.exp === "number" ? payload.exp * 1000 : undefined,
        };
      }
    } catch {
      // not a token we issued
    }
  }
  return null;
}
