import "server-only";
import { apiError } from "../http/apiErrors";
import { deviceSetCookie, renewedDeviceCookie, deviceCookieIn } from "./deviceCookie";
import { signInRetryAfter } from "./signInLimiter";
import type { SignInAttempt } from "./signInPolicy";

/** Auth.js's error code (CredentialsSignin.code) for an attempt refused by the limits. */
export const RATE_LIMITED_CODE = "rate_limited";

/** The message shown for a refused attempt, in whole minutes. */
export function rateLimitedMessage(waitSeconds: number): string {
  return `登录尝试过多，请 ${Math.max(1, Math.ceil(waitSeconds / 60))} 分钟后再试`;
}

/** 429 `rate_limited` with Retry-After for an attempt the limits refused. */
export async function rateLimitedResponse(attempt: SignInAttempt): Promise<Response> {
  // The refused attempt counted nothing; this only reads how long the fullest counter waits.
  const wait = Math.max(1, await signInRetryAfter(attempt));
  const response = apiError("rate_limited", rateLimitedMessage(wait));
  response.headers.set("retry-after", String(wait));
  return response;
}

/** Whether Auth.js's answer started a session (it set the session cookie). */
export function startsSession(response: Response): boolean {
  return response.headers.getSetCookie().some((c) => /^(__Secure-)?authjs\.session-token=[^;]/.test(c));
}

/** Whether Auth.js's answer is its redirect for an attempt refused by the limits. */
export function isRateLimitedRedirect(response: Response): boolean {
  const location = response.headers.get("location");
  if (!location) return false;
  try {
    return new URL(location, "http://localhost").searchParams.get("code") === RATE_LIMITED_CODE;
  } catch {
    return false;
  }
}

/** Auth.js's answer with the proven-device cookie added for `username` (a copy: its headers may be frozen). */
export function withDeviceCookie(response: Response, request: Request, username: string): Response {
  const headers = new Headers(response.headers);
  const value = renewedDeviceCookie(deviceCookieIn(request.headers.get("cookie")), username);
  headers.append("set-cookie", deviceSetCookie(value, new URL(request.url).protocol === "https:"));
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
