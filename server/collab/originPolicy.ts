import "server-only";
import type { IncomingMessage } from "node:http";

/**
 * Browsers always send Origin on a WebSocket handshake, so a foreign Origin is a page on
 * another site trying to ride the user's cookie (cross-site WebSocket hijacking). A missing
 * Origin is a non-browser client (a script with its own cookie), which cannot be hijacked.
 */
export function isAllowedOrigin(req: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins.includes(origin)) return true;
  const host = req.headers.host;
  if (!host) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}
