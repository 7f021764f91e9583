import "server-only";
import { requestOrigin } from "../http/requestOrigin";

/**
 * The request as the browser addressed it. Behind the custom server, Next hands route handlers
 * a URL on `localhost` whatever the browser asked for, so Auth.js would build single sign-on's
 * redirect URI (and its error redirects) on `localhost`, while the sign-in button's server
 * action builds it from the Host header: the identity provider then refuses the code exchange
 * ("redirect_uri mismatch"). Re-addressed from Host and X-Forwarded-Proto, both agree. With
 * AUTH_URL set, Auth.js's own rewrite applies instead and the request passes unchanged.
 */
export async function browserOriginRequest(request: Request): Promise<Request> {
  if (process.env.AUTH_URL || process.env.NEXTAUTH_URL) return request;
  const url = new URL(request.url);
  const origin = requestOrigin(request.headers);
  if (url.origin === origin) return request;
  const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
  return new Request(`${origin}${url.pathname}${url.search}`, { method: request.method, headers: request.headers, body });
}
