import "server-only";
import { randomUUID } from "node:crypto";
import NextAuth, { CredentialsSignin } from "next-auth";
import type { Provider } from "next-auth/providers";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { users } from "../../db/schema";
import { sameOriginPath } from "../../newsroom/sameOriginPath";
import { now } from "../clock";
import { passwordSignInEnabled } from "./accountSettings";
import { recordSession } from "./accountSessions";
import { accountForOidcProfile, OIDC_PROVIDER_ID, oidcSettings } from "./oidcAccounts";
import { dummyPasswordHash, verifyPassword } from "./password";
import { isSessionLive, revokeSession } from "./sessionRevocation";
import { SESSION_MAX_AGE_S, sessionOutlived } from "./sessionLifetime";
import { totpValid } from "./totp";
import { peerAddress, recordSignInSuccess, reserveSignInAttempt, signInAttemptFrom } from "./signInLimiter";
import { RATE_LIMITED_CODE } from "./signInResponse";

/** The organisation's identity provider, when the environment configures one (read once, at load). */
const oidc = oidcSettings();

/** Where a new session comes from, for the owner's list of recent sign-ins. */
async function requestOrigins(): Promise<{ address: string; device: string }> {
  try {
    const sent = await headers();
    return { address: peerAddress(sent), device: sent.get("user-agent") ?? "unknown" };
  } catch {
    // Not inside a request (never for a real sign-in): nothing to tell.
    return { address: "unknown", device: "unknown" };
  }
}

class WrongCredentials extends CredentialsSignin {
  code = "wrong_credentials";
}

class TooManyAttempts extends CredentialsSignin {
  code = RATE_LIMITED_CODE;
}

/**
 * Auth.js for the whole app: credentials sign-in against `users`, JWT sessions carrying the
 * user's id and role. The WebSocket upgrade decodes the same cookie (sessionToken.ts).
 */
export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  secret: process.env.AUTH_SECRET,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
  // Refusals of single sign-on (AccessDenied) come back to the login page, which explains them.
  pages: { signIn: "/login", error: "/login" },
  logger: {
    // A wrong password is an expected answer, not a server error worth a stack trace.
    error(error) {
      if (error instanceof CredentialsSignin || (error as { type?: string }).type === "CredentialsSignin") return;
      // Auth.js's own message is only a link; what went wrong (say, with single sign-on) is the cause.
      const cause = (error as { cause?: { err?: Error } }).cause?.err;
      console.error("[auth]", error.name, error.message, cause ? `(${cause.message})` : "");
    },
  },
  providers: [
    ...oidcProviders(),
    Credentials({
      id: "credentials",
      // `code`: the second factor's current code, for accounts that turned it on (totp.ts).
      credentials: { username: { label: "用户名" }, password: { label: "密码", type: "password" }, code: { label: "动态验证码" } },
      async authorize(input, request) {
        const username = typeof input?.username === "string" ? input.username.trim() : "";
        const password = typeof input?.password === "string" ? input.password : "";
        if (!passwordSignInEnabled()) throw new WrongCredentials();
        if (!username || !password || username.length > 100 || password.length > 1000) throw new WrongCredentials();
        // Counted before the password is checked: concurrent guesses cannot overtake the limit.
        const reserved = await reserveSignInAttempt(signInAttemptFrom(username, request.headers));
        if ("retryAfter" in reserved) throw new TooManyAttempts();
        const [user] = await getDb().select().from(users).where(eq(users.username, username)).limit(1);
        // Verify against a dummy hash for unknown users: same time, same answer, no hint.
        const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
        // A failure needs no write: the reserved attempt stays counted.
        if (!user || !valid || user.disabled) throw new WrongCredentials();
        // The same answer as a wrong password: a guesser learns nothing about which part failed.
        if (user.totpSecret !== null && !totpValid(user.totpSecret, typeof input?.code === "string" ? input.code : "")) {
          throw new WrongCredentials();
        }
        await recordSignInSuccess(reserved.reservation);
        return { id: user.id, name: user.displayName, username: user.username, role: user.role };
      },
    }),
  ],
  events: {
    // Signing out ends this session everywhere its cookie may have been copied to.
    async signOut(message) {
      const token = "token" in message ? message.token : null;
      if (typeof token?.sid === "string") {
        const expiresAt = new Date(typeof token.exp === "number" ? token.exp * 1000 : Date.now() + SESSION_MAX_AGE_S * 1000);
        await revokeSession(getDb(), token.sid, expiresAt);
      }
    },
  },
  callbacks: {
    // Every callbackUrl Auth.js honours stays on this site (sameOriginPath.ts). A path, not
    // an absolute URL: behind the custom server Auth.js's idea of the host may not be the one
    // the browser used, and a relative Location always resolves against the latter.
    redirect({ url, baseUrl }) {
      return sameOriginPath(url, baseUrl);
    },
    // Single sign-on lets in only a person the newsroom knows (oidcAccounts.ts).
    async signIn({ account, profile }) {
      if (account?.provider !== OIDC_PROVIDER_ID) return true;
      // Matching and auto-create are read at each sign-in (the provider itself only at load).
      const settings = oidcSettings();
      return settings !== null && profile !== undefined && (await accountForOidcProfile(getDb(), profile, settings)) !== null;
    },
    async jwt({ token, user, account, profile }) {
      if (!user) {
        // Every request re-checks the session: signed out (or issued without an id), or past
        // its absolute lifetime, ends it.
        if (sessionOutlived(token.signedInAt, now())) return null;
        return (await isSessionLive(getDb(), token.sid)) ? token : null;
      }
      let signedIn = { id: user.id, name: user.name, role: (user as { role?: string }).role, username: (user as { username?: string }).username };
      if (account?.provider === OIDC_PROVIDER_ID) {
        // The identity provider's user is not ours: the session is the matched account's.
        const settings = oidcSettings();
        const mapped = settings && profile ? await accountForOidcProfile(getDb(), profile, settings) : null;
        if (!mapped) return null;
        signedIn = { id: mapped.id, name: mapped.displayName, role: mapped.role, username: mapped.username };
      }
      token.sid = randomUUID();
      token.signedInAt = now();
      token.sub = signedIn.id;
      token.name = signedIn.name;
      token.role = signedIn.role;
      token.username = signedIn.username;
      await recordSession(getDb(), {
        sessionId: token.sid as string,
        userId: signedIn.id!,
        method: account?.provider === OIDC_PROVIDER_ID ? "oidc" : "password",
        ...(await requestOrigins()),
      });
      return token;
    },
    session({ session, token }) {
      Object.assign(session.user, { id: token.sub, role: token.role, username: token.username });
      return session;
    },
  },
});

/** Auth.js's OpenID Connect provider for the organisation's identity provider, when configured. */
function oidcProviders(): Provider[] {
  if (!oidc) return [];
  return [
    {
      id: OIDC_PROVIDER_ID,
      name: oidc.name,
      type: "oidc",
      issuer: oidc.issuer,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      authorization: { params: { scope: "openid profile email" } },
      checks: ["pkce", "state", "nonce"],
    },
  ];
}
