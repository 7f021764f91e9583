import "server-only";
import { apiError } from "./apiErrors";

/** Largest JSON body the API reads. */
const MAX_JSON_BYTES = 64 * 1024;

/** Whether an Origin header names this host (the page the request came from is ours). */
export function isSameOrigin(origin: string | null, host: string | null): boolean {
  return origin !== null && host !== null && (origin === `http://${host}` || origin === `https://${host}`);
}

/**
 * Unsafe requests must come from our own pages: a present Origin (`null` included) must be
 * this host. Without Origin only a JSON body (or none) is taken: that is a script, since a form
 * elsewhere can send only form encodings and text/plain, and a browser that sends JSON across
 * sites sends Origin and a preflight with it.
 */
export function foreignOriginError(request: Request) {
  const origin = request.headers.get("origin");
  if (origin === null) {
    const type = request.headers.get("content-type");
    if (type === null || type.toLowerCase().startsWith("application/json")) return null;
    return apiError("forbidden", "缺少 Origin 的表单请求被拒绝");
  }
  if (isSameOrigin(origin, request.headers.get("host"))) return null;
  return apiError("forbidden", "跨站请求被拒绝");
}

/**
 * Reads a JSON object body, or returns the error response to send. `maxBytes` lets a route
 * that takes a whole story (import) read more than the usual 64 KB, within the HTTP body limit.
 */
export async function readJsonObject(
  request: Request,
  maxBytes = MAX_JSON_BYTES,
): Promise<{ body: Record<string, unknown> } | { error: Response }> {
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) return { error: apiError("too_large", "请求体过大") };
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
