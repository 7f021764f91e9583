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
 * The HTML documents themselves keep `no-store`.
 */
function isRouterPayloadRequest(req: IncomingMessage): boolean {
  return req.headers.rsc === "1" || req.headers["next-action"] !== undefined;
}

/** `Cache-Control` without `no-store` (the other directives as they were). */
function withoutNoStore(value: string): string {
  return value
    .split(",")
    .map((directive) => directive.trim())
    .filter((directive) => directive !== "" && directive.toLowerCase() !== "no-store")
    .join(", ");
}

function rewritten(name: string, value: OutgoingHttpHeader): OutgoingHttpHeader {
  return name.toLowerCase() === "cache-control" && typeof value === "string" ? withoutNoStore(value) : value;
}

/** For a router or server-action request, every `Cache-Control` Next sets loses `no-store`. */
export function keepRouterPayloadsReadable(req: IncomingMessage, res: ServerResponse): void {
  if (!isRouterPayloadRequest(req)) return;
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name: string, value: OutgoingHttpHeader) => setHeader(name, rewritten(name, value));
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    const headers = rest.find((arg) => typeof arg === "object" && arg !== null && !Array.isArray(arg)) as OutgoingHttpHeaders | undefined;
    if (headers) for (const [name, value] of Object.entries(headers)) if (value !== undefined) headers[name] = rewritten(name, value);
    return writeHead(status, ...rest);
  }) as ServerResponse["writeHead"];
}
