import "server-only";
import type { IncomingMessage, OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from "node:http";

/**
 * Why the App Router's own requests must not be answered `no-store`.
 *
 * Next answers every dynamic React Server Components request (navigations, prefetches,
 * `router.refresh()`) and every server action with
 * `Cache-Control: private, no-cache, no-store, max-age=0, must-revalidate`. The router reads
 * those answers with a stream reader, and Chromium reports a `no-store` answer read that way as
 * failed (`net::ERR_ABORTED`, "(canceled)" in DevTools, a red line in the console) whenever its
 * body arrives in more than one piece, although the page received all of it and works: every
 * 提交审核, 签发, sign-in and link click on a story page showed as failed (measured in
 * tests/e2e/quietConsole.test.ts: 20–40 per workflow run before, none after; Playwright issue
 * 42742 reduces it to a plain Node server and a `getReader()` loop). Dropping only `no-store`
 * keeps what matters: `private` (no shared cache may keep it) and `no-cache, max-age=0,
 * must-revalidate` (the browser asks this server, which checks the session, before any reuse).
 * The HTML documents themselves keep `no-store`, and so does everything on an origin where the
 * browser would not honour the `Clear-Site-Data` the sign-out answer sends (signOutClearsCache.ts).
 */
function isRouterPayloadRequest(req: IncomingMessage): boolean {
  return req.headers.rsc === "1" || req.headers["next-action"] !== undefined;
}

/**
 * Whether the browser will honour `Clear-Site-Data` for this origin (a secure context: HTTPS,
 * directly or behind a TLS proxy, or localhost). Elsewhere (a plain-HTTP intranet) nothing
 * could drop the cached payloads at sign-out, so they stay `no-store` and DevTools keeps its
 * red lines.
 */
function isSecureContext(req: IncomingMessage): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted || req.headers["x-forwarded-proto"] === "https") return true;
  const host = (req.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "127.0.0.1" || host === "[::1]";
}

/** `Cache-Control` without `no-store` (the other directives as they were). */
function withoutNoStore(value: string): string {
  return value
    .split(",")
    .map((directive) => directive.trim())
    .filter((directive) => directive !== "" && directive.toLowerCase() !== "no-store")
    .join(", ");
}

/** The key under which `name` was passed to writeHead (any case), if it was. */
function passedKey(passed: OutgoingHttpHeaders | undefined, name: string): string | undefined {
  return passed && Object.keys(passed).find((candidate) => candidate.toLowerCase() === name);
}

/** A header as passed to writeHead or set before it, read case-insensitively. */
function headerOf(res: ServerResponse, passed: OutgoingHttpHeaders | undefined, name: string): OutgoingHttpHeader | undefined {
  const key = passedKey(passed, name);
  return key ? passed![key] : res.getHeader(name);
}

/**
 * For a router or server-action request answered with a router payload (`text/x-component`),
 * on a secure origin, `Cache-Control` loses `no-store`; anything else the same request gets (a
 * route handler's own `private, no-store`, an error page) is left as it was.
 */
export function keepRouterPayloadsReadable(req: IncomingMessage, res: ServerResponse): void {
  if (!isRouterPayloadRequest(req) || !isSecureContext(req)) return;
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  // Node calls writeHead for implicit headers too (the first write), so this sees every answer.
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    const passed = rest.find((arg) => typeof arg === "object" && arg !== null && !Array.isArray(arg)) as OutgoingHttpHeaders | undefined;
    const contentType = String(headerOf(res, passed, "content-type") ?? "");
    if (contentType.startsWith("text/x-component")) {
      const cacheControl = headerOf(res, passed, "cache-control");
      if (typeof cacheControl === "string") {
        const key = passedKey(passed, "cache-control");
        if (key && passed) passed[key] = withoutNoStore(cacheControl);
        else res.setHeader("Cache-Control", withoutNoStore(cacheControl));
      }
    }
    return writeHead(status, ...rest);
  }) as ServerResponse["writeHead"];
}
