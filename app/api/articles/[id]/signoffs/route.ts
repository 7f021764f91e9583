import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { signoffWriter } from "@/server/commands/signoffWriter";
import { refusalResponse } from "@/server/http/commandResponse";
import { readableArticleRoute } from "@/server/http/readableArticle";
import { signoffBody } from "@/server/http/reviewLevelSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";
import { signoffStatus } from "@/server/review/signoffStatus";

export const dynamic = "force-dynamic";

/**
 * `GET /api/articles/:id/signoffs`: the review levels (三审) against the story's current text:
 * who signed each and when, which sign-offs went stale (需重新签), what the asker may sign now.
 */
export const GET = readableArticleRoute(async ({ params: { id }, actor, facts }) => NextResponse.json(await signoffStatus(getDb(), id, actor, facts)));

/**
 * `POST /api/articles/:id/signoffs` `{level, contentHash?}`: signs a level of a submitted story,
 * pinned to its current content hash (403/409 with `error.reason` when a rule refuses).
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const read = await readUnsafeRequest(request, signoffBody);
  if ("error" in read) return read.error;
  const result = await signoffWriter(getDb(), { actor: read.user, articleId: id, level: read.body.level, contentHash: read.body.contentHash });
  if (!result.ok) return refusalResponse(result);
  const { signoff } = result;
  return NextResponse.json(
    { id: signoff.id, level: signoff.levelName, contentHash: signoff.contentHash, revisionId: signoff.revisionId, signedAt: signoff.createdAt.toISOString() },
    { status: 201 },
  );
}
