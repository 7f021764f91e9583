import { randomUUID } from "node:crypto";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { users } from "../../db/schema";
import { sameOriginPath } from "../../newsroom/sameOriginPath";
import { dummyPasswordHash, verifyPassword } from "./password";
import { isSessionLive, revokeSession } from "./sessionRevocation";
import { recordSignInSuccess, reserveSignInAttempt, signInAttemptFrom } from "./signInLimiter";
import { RATE_LIMITED_CODE } from "./signInResponse";

/** Session lifetime: a working day and a bit; the cookie is re-issued while in use. */
const SESSION_MAX_AGE_S = 12 * 60 * 60;

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
  pages: { signIn: "/login" },
  logger: {
    // A wrong password is an expected answer, not a server error worth a stack trace.
    error(error) {
      if (error instanceof CredentialsSignin || (error as { type?: string }).type === "CredentialsSignin") return;
      console.error("[auth]", error.message);
    },
  },
  providers: [
    Credentials({
      id: "credentials",
      credentials: { username: { label: "用户名" }, password: { label: "密码", type: "password" } },
      async authorize(input, request) {
        const username = typeof input?.username === "string" ? input.username.trim() : "";
        const password = typeof input?.password === "string" ? input.password : "";
        if (!username || !password || username.length > 100 || password.length > 1000) throw new WrongCredentials();
        // Counted before the password is checked: concurrent guesses cannot overtake the limit.
        const reserved = await reserveSignInAttempt(signInAttemptFrom(username, request.headers));
        if ("retryAfter" in reserved) throw new TooManyAttempts();
        const [user] = await getDb().select().from(users).where(eq(users.username, username)).limit(1);
        // Verify against a dummy hash for unknown users: same time, same answer, no hint.
        const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
        // A failure needs no write: the reserved attempt stays counted.
        if (!user || !valid || user.disabled) throw new WrongCredentials();
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
    async jwt({ token, user }) {
      if (!user) {
        // Every request re-checks the session: signed out (or issued without an id) ends it.
        return (await isSessionLive(getDb(), token.sid)) ? token : null;
      }
      token.sid = randomUUID();
      token.sub = user.id;
      token.name = user.name;
      token.role = (user as { role?: string }).role;
      token.username = (user as { username?: string }).username;
      return token;
    },
    session({ session, token }) {
      Object.assign(session.user, { id: token.sub, role: token.role, username: token.username });
      return session;
    },
  },
});
