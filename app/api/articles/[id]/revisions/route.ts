import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { namedVersionWriter } from "@/server/commands/namedVersionWriter";
import { refusalResponse } from "@/server/http/commandResponse";
import { peopleOfRevisions, revisionView } from "@/server/history/revisionView";
import { listRevisions, peopleById } from "@/server/history/versionQueries";
import { readableArticleRoute } from "@/server/http/readableArticle";
import { namedVersionBody } from "@/server/http/requestSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/** `GET /api/articles/:id/revisions`: every version, newest first. */
export const GET = readableArticleRoute(async ({ params: { id } }) => {
  const db = getDb();
  const revisions = await listRevisions(db, id);
  const people = await peopleById(db, peopleOfRevisions(revisions));
  return NextResponse.json({ revisions: revisions.map((r) => revisionView(r, people)) });
});

/** `POST /api/articles/:id/revisions` `{name}`: saves the current text as a named version. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const read = await readUnsafeRequest(request, namedVersionBody);
  if ("error" in read) return read.error;
  const db = getDb();
  const saved = await namedVersionWriter(db, { actor: read.user, articleId: id, name: read.body.name });
  if (!saved.ok) return refusalResponse(saved);
  const { revision } = saved;
  const people = await peopleById(db, peopleOfRevisions([revision]));
  return NextResponse.json(revisionView(revision, people), { status: 201 });
}
