/**
 * Where to send the browser after sign-in: `target` (a `next` or `callbackUrl` value) as a path
 * on `origin`, or `/` when it would leave the site or is not usable.
 *
 * The target is parsed with WHATWG `URL` against the origin, exactly as a browser would resolve
 * it, so every trick the parser knows (backslashes read as slashes, tabs and newlines dropped,
 * `//host` and `/\host` as another host, schemes such as `javascript:`) is judged by the result
 * rather than by the spelling. The answer is the parsed path, never the raw text, and never
 * one that starts with two slashes (which a browser would read as another host).
 */
export function sameOriginPath(target: unknown, origin: string): string {
  if (typeof target !== "string" || target === "") return "/";
  let base: URL;
  let resolved: URL;
  try {
    base = new URL(origin);
    resolved = new URL(target, base);
  } catch {
    return "/";
  }
  if (resolved.origin !== base.origin || resolved.username || resolved.password) return "/";
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return "/";
  return path;
}
