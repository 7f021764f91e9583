import "server-only";
import type { OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { SESSION_COOKIE_NAMES } from "../auth/sessionToken";

/**
 * The router's own payloads (a story's text among them) may sit in the browser's disk cache
 * (routerPayloadCaching.ts: `private, no-cache`, never `no-store`). The answer that signs a
 * person out therefore also tells the browser to drop this site's cache, so nothing of a story
 * stays on a shared computer after 退出登录: `Clear-Site-Data: "cache"` on any response that
 * expires the session cookie (Auth.js's sign-out, however it is reached). 退出所有设备 ends
 * the sessions in the database without touching the cookie, so its route sends the header itself.
 */
export const CLEAR_SITE_CACHE = { name: "Clear-Site-Data", value: '"cache"' } as const;

function expiresSessionCookie(cookie: string): boolean {
  const [pair, ...attributes] = cookie.split(";").map((part) => part.trim());
  const name = pair?.slice(0, pair.indexOf("=")) ?? "";
  if (!(SESSION_COOKIE_NAMES as readonly string[]).includes(name)) return false;
  return attributes.some((attribute) => {
    const [key, value = ""] = attribute.split("=");
    if (key?.toLowerCase() === "max-age") return Number(value) <= 0;
    if (key?.toLowerCase() === "expires") return Date.parse(value) <= Date.now();
    return false;
  });
}

function cookiesOf(value: OutgoingHttpHeader | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** Adds `Clear-Site-Data: "cache"` to a response that signs its session out. */
export function clearCacheOnSignOut(res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  // Node calls writeHead for implicit headers too (the first write), so this sees every answer.
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    const headers = rest.find((arg) => typeof arg === "object" && arg !== null && !Array.isArray(arg)) as OutgoingHttpHeaders | undefined;
    const passed = headers ? Object.entries(headers).filter(([name]) => name.toLowerCase() === "set-cookie").flatMap(([, value]) => cookiesOf(value)) : [];
    const cookies = [...cookiesOf(res.getHeader("set-cookie")), ...passed];
    if (cookies.some(expiresSessionCookie) && !res.headersSent) res.setHeader(CLEAR_SITE_CACHE.name, CLEAR_SITE_CACHE.value);
    return writeHead(status, ...rest);
  }) as ServerResponse["writeHead"];
}
