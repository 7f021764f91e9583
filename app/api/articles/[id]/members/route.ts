import { NextResponse } from "next/server";
import type { z } from "zod";
import { getDb } from "@/db/client";
import { bylines } from "@/server/articles/listArticles";
import { bylineEditor, type BylineChange } from "@/server/commands/bylineEditor";
import { refusalResponse } from "@/server/http/commandResponse";
import { addMemberBody, removeMemberBody, reorderMembersBody } from "@/server/http/requestSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

async function answer<Schema extends z.ZodType>(
  request: Request,
  id: string,
  schema: Schema,
  toChange: (body: z.output<Schema>) => BylineChange,
) {
  const read = await readUnsafeRequest(request, schema);
  if ("error" in read) return read.error;
  const db = getDb();
  const result = await bylineEditor(db, { actor: read.user, articleId: id, change: toChange(read.body) });
  if (!result.ok) return refusalResponse(result);
  return NextResponse.json({ byline: (await bylines(db, [id])).get(id) ?? [] });
}

/** `POST /api/articles/:id/members` `{username, label?}`: adds (or relabels) a byline member. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return answer(request, (await params).id, addMemberBody, ({ username, label }) => ({ kind: "add", username, label }));
}

/** `PUT /api/articles/:id/members` `{usernames}`: the byline in its new order. */
export async function PUT(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return answer(request, (await params).id, reorderMembersBody, ({ usernames }) => ({ kind: "reorder", usernames }));
}

/** `DELETE /api/articles/:id/members` `{username}`: takes someone off the byline. */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return answer(request, (await params).id, removeMemberBody, ({ username }) => ({ kind: "remove", username }));
}
