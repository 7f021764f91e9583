import { handlers } from "@/server/auth/authConfig";
import { browserOriginRequest } from "@/server/auth/browserOriginRequest";
import { signInAttemptFrom, signInRetryAfter } from "@/server/auth/signInLimiter";
import {
  isRateLimitedRedirect,
  rateLimitedResponse,
  startsSession,
  withDeviceCookie,
} from "@/server/auth/signInResponse";

/** Auth.js's pages and the single sign-on callback, at the origin the browser used. */
export async function GET(request: Request) {
  return handlers.GET((await browserOriginRequest(request)) as never);
}

/**
 * Auth.js. For the credentials sign-in (whose attempts the provider itself counts and limits),
 * an attempt refused by the limits is answered 429 + Retry-After instead of Auth.js's redirect,
 * and a successful one also gets the proven-device cookie.
 */
export async function POST(incoming: Request) {
  const request = await browserOriginRequest(incoming);
  if (!new URL(request.url).pathname.endsWith("/callback/credentials")) return handlers.POST(request as never);
  const form = await request.clone().formData().catch(() => null);
  const username = String(form?.get("username") ?? "").trim();
  const attempt = signInAttemptFrom(username, request.headers);
  // A cheap early answer while a counter is full (it counts nothing; the provider's
  // reservation is what makes the limit hold under concurrency).
  if ((await signInRetryAfter(attempt)) > 0) return rateLimitedResponse(attempt);
  const response = await handlers.POST(request as never);
  if (isRateLimitedRedirect(response)) return rateLimitedResponse(attempt);
  return startsSession(response) ? withDeviceCookie(response, request, username) : response;
}
