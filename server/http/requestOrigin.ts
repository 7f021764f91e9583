import "server-only";
/**
 * This site's origin as the request reached it (Next sets `x-forwarded-proto`; `host` is what
 * the browser asked for), for resolving a path the way that browser will.
 */
export function requestOrigin(headers: Headers): string {
  const proto = headers.get("x-forwarded-proto") === "https" ? "https" : "http";
  return `${proto}://${headers.get("host") ?? "localhost"}`;
}
