import { NextResponse } from "next/server";
import { getDb } from "../../../../../db/client";
import { bylineEditor, type BylineChange } from "../../../../../server/articles/bylineEditor";
import { bylines } from "../../../../../server/articles/listArticles";
import { apiError } from "../../../../../server/http/apiErrors";
import { refusalResponse } from "../../../../../server/http/commandResponse";
import { readUnsafeRequest } from "../../../../../server/http/unsafeRequest";

export const dynamic = "force-dynamic";

async function answer(request: Request, id: string, toChange: (body: Record<string, unknown>) => BylineChange | string) {
  const read = await readUnsafeRequest(request);
  if ("error" in read) return read.error;
  const change = toChange(read.body);
  if (typeof change === "string") return apiError("bad_request", change);
  const db = getDb();
  const result = await bylineEditor(db, { actor: read.user, articleId: id, change });
  if (!result.ok) return refusalResponse(result);
  return NextResponse.json({ byline: (await bylines(db, [id])).get(id) ?? [] });
}

/** `POST /api/articles/:id/members` `{username, label?}`: adds (or relabels) a byline member. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return answer(request, (await params).id, ({ username, label }) =>
    typeof username !== "string" || (label !== undefined && typeof label !== "string")
      ? "需要 username(以及可选的 label)"
      : { kind: "add", username, label: label as string | undefined },
  );
}

/** `PUT /api/articles/:id/members` `{usernames}`: the byline in its new order. */
export async function PUT(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return answer(request, (await params).id, ({ usernames }) =>
    Array.isArray(usernames) && usernames.every((u) => typeof u === "string")
      ? { kind: "reorder", usernames }
      : "需要 usernames(用户名数组)",
  );
}

/** `DELETE /api/articles/:id/members` `{username}`: takes someone off the byline. */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return answer(request, (await params).id, ({ username }) =>
    typeof username === "string" ? { kind: "remove", username } : "需要 username",
  );
}
