import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { peopleOfRevisions, revisionView } from "@/server/history/revisionView";
import { findRevision, peopleById } from "@/server/history/versionQueries";
import { apiError } from "@/server/http/apiErrors";
import { readableArticleRoute } from "@/server/http/readableArticle";
import { revisionIdParam } from "@/server/http/requestSchemas";

export const dynamic = "force-dynamic";

/** `GET /api/articles/:id/revisions/:revisionId`: one version with its text and document. */
export const GET = readableArticleRoute<{ id: string; revisionId: string }>(async ({ params: { id, revisionId } }) => {
  const db = getDb();
  const wanted = revisionIdParam.safeParse(revisionId);
  const revision = wanted.success ? await findRevision(db, id, wanted.data) : null;
  if (!revision) return apiError("not_found", "没有这个版本");
  const people = await peopleById(db, peopleOfRevisions([revision]));
  return NextResponse.json({
    ...revisionView(revision, people),
    text: revision.text,
    body: revision.bodyJson,
    byline: revision.byline,
    dateline: revision.dateline,
  });
});
