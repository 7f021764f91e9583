import { NextResponse } from "next/server";
import { getDb } from "../../../../../db/client";
import { WORKFLOW_ACTIONS, type WorkflowAction } from "../../../../../newsroom/workflow";
import { articleTransitioner } from "../../../../../server/articles/articleTransitioner";
import { apiError } from "../../../../../server/http/apiErrors";
import { refusalResponse } from "../../../../../server/http/commandResponse";
import { readUnsafeRequest } from "../../../../../server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/** `POST /api/articles/:id/transitions` `{action, note?}` (DESIGN.md §5). */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const read = await readUnsafeRequest(request);
  if ("error" in read) return read.error;
  const { action, note } = read.body;
  if (typeof action !== "string" || !(WORKFLOW_ACTIONS as readonly string[]).includes(action)) {
    return apiError("bad_request", `action 必须是 ${WORKFLOW_ACTIONS.join("、")} 之一`);
  }
  if (note !== undefined && note !== null && typeof note !== "string") return apiError("bad_request", "note 必须是文本");
  const result = await articleTransitioner(getDb(), {
    actor: read.user,
    articleId: id,
    action: action as WorkflowAction,
    note: note ?? null,
  });
  if (!result.ok) return refusalResponse(result);
  const { article, revision } = result;
  return NextResponse.json({
    id: article.id,
    state: article.state,
    slug: article.slug,
    revision: { id: revision.id, contentHash: revision.contentHash },
  });
}
