import "server-only";
import { NextResponse } from "next/server";

/** Stable error codes of the JSON API (DESIGN.md §5). */
export type ApiErrorCode =
  | "bad_request"
  /** The body or query does not have the shape the route takes (`requestSchemas.ts`). */
  | "invalid_request"
  | "not_signed_in"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "too_large"
  /** An upload over its limit (the same code the body limit answers with). */
  | "payload_too_large"
  /** An upload that is not one of the image formats we take. */
  | "unsupported_media_type"
  | "rate_limited";

const STATUS: Record<ApiErrorCode, number> = {
  bad_request: 400,
  invalid_request: 400,
  not_signed_in: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
};

/** `{ "error": { "code", "message" } }` with the matching status (and any `details` beside them). */
export function apiError(code: ApiErrorCode, message: string, details: Record<string, unknown> = {}): NextResponse {
  return NextResponse.json({ error: { ...details, code, message } }, { status: STATUS[code] });
}

export const notSignedIn = () => apiError("not_signed_in", "请先登录");
export const articleNotFound = () => apiError("not_found", "没有这篇稿件");
