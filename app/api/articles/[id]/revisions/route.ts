import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { can } from "@/newsroom/policy";
import { actorOf } from "@/server/auth/actorOf";
import { findArticleFacts } from "@/server/articles/articleFacts";
import { revisionWriter } from "@/server/commands/revisionWriter";
import { captureContent } from "@/server/articles/storyContent";
import { liveAccess } from "@/server/collab/liveAccess";
import { peopleOfRevisions, revisionView } from "@/server/history/revisionView";
import { listRevisions, peopleById } from "@/server/history/versionQueries";
import { apiError, articleNotFound } from "@/server/http/apiErrors";
import { readableArticle } from "@/server/http/readableArticle";
import { namedVersionBody } from "@/server/http/requestSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/** `GET /api/articles/:id/revisions`: every version, newest first. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const access = await readableArticle(id);
  if ("error" in access) return access.error;
  const db = getDb();
  const revisions = await listRevisions(db, id);
  const people = await peopleById(db, peopleOfRevisions(revisions));
  return NextResponse.json({ revisions: revisions.map((r) => revisionView(r, people)) });
}

/** `POST /api/articles/:id/revisions` `{name}`: saves the current text as a named version. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const read = await readUnsafeRequest(request, namedVersionBody);
  if ("error" in read) return read.error;
  const { name } = read.body;
  const db = getDb();
  const found = await findArticleFacts(db, id);
  if (!found) return articleNotFound();
  const actor = actorOf(read.user);
  if (!can(actor, "saveVersion", found.facts)) return apiError("forbidden", "你不能为这篇稿件保存版本");
  await liveAccess().flush();
  const revision = await revisionWriter(db, {
    articleId: id,
    kind: "named",
    name,
    createdBy: read.user.id,
    content: await captureContent(db, id),
  });
  const people = await peopleById(db, peopleOfRevisions([revision]));
  return NextResponse.json(revisionView(revision, people), { status: 201 });
}
