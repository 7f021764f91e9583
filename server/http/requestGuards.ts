import { apiError } from "./apiErrors";

/** Largest JSON body the API reads. */
const MAX_JSON_BYTES = 64 * 1024;

/**
 * Unsafe requests must come from our own pages: a present Origin must be this host. (A
 * missing Origin is a script, not a browser; browsers send Origin on every cross-site POST.)
 */
export function foreignOriginError(request: Request) {
  const origin = request.headers.get("origin");
  if (origin === null) return null;
  const host = request.headers.get("host");
  if (host && (origin === `http://${host}` || origin === `https://${host}`)) return null;
  return apiError("forbidden", "跨站请求被拒绝");
}

/** Reads a JSON object body, or returns the error response to send. */
export async function readJsonObject(
  request: Request,
): Promise<{ body: Record<string, unknown> } | { error: Response }> {
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_JSON_BYTES) return { error: apiError("too_large", "请求体过大") };
  // An action without parameters (restore) may come without a body at all.
  if (text.trim() === "") return { body: {} };
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    return { error: apiError("bad_request", "请求体必须是 JSON(Content-Type: application/json)") };
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      return { error: apiError("bad_request", "请求体必须是 JSON 对象") };
    }
    return { body: parsed as Record<string, unknown> };
  } catch {
    return { error: apiError("bad_request", "请求体不是有效的 JSON") };
  }
}
