import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

/** Seconds a client is told to wait while the server starts. */
export const STARTING_RETRY_AFTER_SECONDS = 1;

const STARTING_MESSAGE = "服务正在启动，请稍后重试";

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Answers a request that arrives after the socket listens but before Next is ready (the
 * server listens first: Next's redirect self-fetch needs the real port). The process is alive
 * (`/healthz` 200, so a liveness probe does not restart a slow start) but not ready
 * (`/readyz` 503 `{status:"starting"}`); the JSON API answers in its own error shape
 * (DESIGN.md §5) and pages in plain text, both 503 with Retry-After.
 */
export function answerWhileStarting(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? "").split("?")[0];
  const retryAfter = { "retry-after": String(STARTING_RETRY_AFTER_SECONDS) };
  if (path === "/healthz") return json(res, 200, { status: "ok" });
  if (path === "/readyz") return json(res, 503, { status: "starting" }, retryAfter);
  if (path === "/api" || path.startsWith("/api/")) {
    return json(res, 503, { error: { code: "starting", message: STARTING_MESSAGE } }, retryAfter);
  }
  res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...retryAfter });
  res.end(STARTING_MESSAGE);
}

/**
 * Refuses a WebSocket upgrade (the collaboration socket) before Next is ready: HTTP 503 with
 * Retry-After, as when the process is full, so the editor's provider retries.
 */
export function refuseUpgradeWhileStarting(socket: Duplex): void {
  socket.end(
    `HTTP/1.1 503 Service Unavailable\r\nRetry-After: ${STARTING_RETRY_AFTER_SECONDS}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
  );
}
