import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { versionRestorer } from "@/server/commands/versionRestorer";
import { peopleOfRevisions, revisionView } from "@/server/history/revisionView";
import { peopleById } from "@/server/history/versionQueries";
import { apiError } from "@/server/http/apiErrors";
import { refusalResponse } from "@/server/http/commandResponse";
import { restoreBody, revisionIdParam } from "@/server/http/requestSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/** `POST /api/articles/:id/revisions/:revisionId/restore`: the draft becomes that version. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string; revisionId: string }> }) {
  const { id, revisionId } = await params;
  const read = await readUnsafeRequest(request, restoreBody);
  if ("error" in read) return read.error;
  const revision = revisionIdParam.safeParse(revisionId);
  if (!revision.success) return apiError("not_found", "没有这个版本");
  const db = getDb();
  const result = await versionRestorer(db, { actor: read.user, articleId: id, revisionId: revision.data });
  if (!result.ok && (result.code === "invalid_revision" || result.code === "save_failed")) {
    // 422: the request is fine, the stored version is not something the editor can hold.
    // 503: the story could not save the restore; nothing was changed or recorded.
    const status = result.code === "invalid_revision" ? 422 : 503;
    return NextResponse.json({ error: { code: result.code, message: result.message } }, { status });
  }
  if (!result.ok) return refusalResponse(result);
  const people = await peopleById(db, peopleOfRevisions([result.revision]));
  return NextResponse.json(revisionView(result.revision, people), { status: 201 });
}
