import "server-only";
import type { z } from "zod";
import { apiError } from "./apiErrors";

/** The first problem zod found, as the message the person is shown. */
function firstMessage(error: z.ZodError): string {
  return error.issues[0]?.message ?? "请求格式不正确";
}

/**
 * Checks a request body or query against its schema (`requestSchemas.ts`): the parsed value,
 * or the 400 `{error: {code: "invalid_request", message}}` to send.
 */
export function parseRequest<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
): { data: z.output<Schema> } | { error: Response } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { data: parsed.data };
  return { error: apiError("invalid_request", firstMessage(parsed.error)) };
}

/** A URL's query string as a plain object, for `parseRequest`. */
export function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}

/**
 * Checks a server action's form against its schema: the parsed value, or the message to show
 * next to the form.
 */
export function parseForm<Schema extends z.ZodType>(
  schema: Schema,
  form: FormData,
): { data: z.output<Schema> } | { message: string } {
  const parsed = schema.safeParse(Object.fromEntries(form));
  return parsed.success ? { data: parsed.data } : { message: firstMessage(parsed.error) };
}
