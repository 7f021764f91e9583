import { handlers } from "../../../../server/auth/authConfig";
import { peerAddress, signInRetryAfter } from "../../../../server/auth/signInLimiter";
import { apiError } from "../../../../server/http/apiErrors";

export const { GET } = handlers;

/**
 * Auth.js, with sign-in attempts over the limit answered 429 + Retry-After before any password
 * is checked (the credentials provider also refuses them, for the server action's path).
 */
export async function POST(request: Request) {
  if (new URL(request.url).pathname.endsWith("/callback/credentials")) {
    const form = await request.clone().formData().catch(() => null);
    const username = String(form?.get("username") ?? "").trim();
    const wait = await signInRetryAfter(username, peerAddress(request.headers));
    if (wait > 0) {
      const response = apiError("rate_limited", `登录尝试过多,请 ${Math.ceil(wait / 60)} 分钟后再试`);
      response.headers.set("retry-after", String(wait));
      return response;
    }
  }
  return handlers.POST(request as never);
}
