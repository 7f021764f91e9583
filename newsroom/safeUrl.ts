/** Protocols a story may link to; anything else (javascript:, data:, vbscript:, file:) is refused. */
export const SAFE_LINK_PROTOCOLS = ["http", "https", "mailto"] as const;

/**
 * True when `raw` is an absolute http(s) or mailto URL. Control characters and whitespace are
 * stripped first because browsers ignore them inside a scheme ("java\tscript:").
 */
export function isSafeUrl(raw: string): boolean {
  const cleaned = raw.replace(/[\u0000-\u0020\u007f-\u009f]/g, "");
  let url: URL;
  try {
    url = new URL(cleaned);
  } catch {
    return false;
  }
  const protocol = url.protocol.slice(0, -1).toLowerCase();
  return (SAFE_LINK_PROTOCOLS as readonly string[]).includes(protocol);
}

/**
 * What the editor accepts as a link target: a safe absolute URL, or a bare address without any
 * scheme ("www.example.com"), which the editor completes with https.
 */
export function isSafeLinkTarget(raw: string): boolean {
  const trimmed = raw.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed.replace(/[\u0000-\u0020\u007f-\u009f]/g, ""))) return isSafeUrl(trimmed);
  return trimmed.length > 0 && isSafeUrl(`https://${trimmed}`);
}
