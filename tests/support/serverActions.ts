import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PROJECT_ROOT } from "./testServer";

const require = createRequire(path.join(PROJECT_ROOT, "package.json"));

/**
 * Server action ids of the production build, by exported name (`transitionAction`, …), read
 * from the build's own manifest each time: a rebuild changes them.
 */
export function serverActionIds(): Record<string, string> {
  const manifestPath = path.join(PROJECT_ROOT, ".next/server/server-reference-manifest.json");
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const ids: Record<string, string> = {};
  for (const [id, entry] of Object.entries(manifest.node)) if (entry.exportedName) ids[entry.exportedName] = id;
  return ids;
}

/** What a server action call answered. */
export interface ActionAnswer {
  status: number;
  /** `x-action-redirect` (e.g. `/login;push` when the action sent a signed-out user away). */
  redirect: string | null;
  /** The raw React Flight answer. */
  body: string;
}

/**
 * Calls a server action exactly as Next's client does: POST to the page with the `Next-Action`
 * header and the arguments encoded by React's own `encodeReply` (FormData arguments become
 * multipart). `args` are the action's arguments, bound ones first.
 */
export async function callServerAction(
  baseUrl: string,
  page: string,
  actionName: string,
  args: unknown[],
  { cookie, origin, ids = serverActionIds() }: { cookie?: string | null; origin?: string | null; ids?: Record<string, string> } = {},
): Promise<ActionAnswer> {
  const id = ids[actionName];
  if (!id) throw new Error(`no server action named ${actionName} in the build`);
  const { encodeReply } = require("next/dist/compiled/react-server-dom-webpack/client.node.js") as {
    encodeReply(value: unknown): Promise<string | FormData>;
  };
  const body = await encodeReply(args);
  const response = await fetch(`${baseUrl}${page}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "next-action": id,
      accept: "text/x-component",
      ...(cookie ? { cookie } : {}),
      ...(origin === undefined ? { origin: baseUrl } : origin === null ? {} : { origin }),
      ...(typeof body === "string" ? { "content-type": "text/plain;charset=UTF-8" } : {}),
    },
    body,
  });
  return { status: response.status, redirect: response.headers.get("x-action-redirect"), body: await response.text() };
}

/** FormData from a plain object (what an action's form would post). */
export function formData(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

/**
 * The value the action returned, read from the React Flight answer: row 0 names the result
 * (`"a":"$@N"`), row N holds it. Undefined when the answer has no result (a redirect, an error).
 */
export function actionResult(answer: ActionAnswer): unknown {
  const rows = new Map<string, string>();
  for (const line of answer.body.split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) rows.set(line.slice(0, colon), line.slice(colon + 1));
  }
  try {
    const root = JSON.parse(rows.get("0") ?? "null") as { a?: unknown } | null;
    if (typeof root?.a !== "string" || !root.a.startsWith("$@")) return root?.a;
    const row = rows.get(parseInt(root.a.slice(2), 16).toString(16));
    return row === undefined ? undefined : JSON.parse(row);
  } catch {
    return undefined;
  }
}

/**
 * How an action call ended: `refused` when it sent the user to sign in, failed, or returned an
 * `error`; `done` when it returned `{error: null}` or redirected elsewhere.
 */
export function actionOutcome(answer: ActionAnswer): "refused" | "done" {
  if (answer.status >= 400) return "refused";
  if (answer.redirect) return answer.redirect.startsWith("/login") ? "refused" : "done";
  const result = actionResult(answer) as { error?: unknown } | undefined;
  return result && typeof result === "object" && result.error === null ? "done" : "refused";
}
