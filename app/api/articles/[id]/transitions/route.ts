import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { articleTransitioner } from "@/server/commands/articleTransitioner";
import { publicationScheduler } from "@/server/commands/publicationScheduler";
import { refusalResponse } from "@/server/http/commandResponse";
import { transitionBody } from "@/server/http/requestSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/**
 * `POST /api/articles/:id/transitions` `{action, note?}` (DESIGN.md §5); `{action: "publish",
 * at}` with a future ISO time schedules the publication instead (202, `{id, state, publishAt}`).
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const read = await readUnsafeRequest(request, transitionBody);
  if ("error" in read) return read.error;
  const { action, note, at } = read.body;
  if (at) {
    const scheduled = await publicationScheduler(getDb(), { actor: read.user, articleId: id, at });
    if (!scheduled.ok) return refusalResponse(scheduled);
    return NextResponse.json({ id, state: "approved", publishAt: scheduled.publishAt }, { status: 202 });
  }
  const result = await articleTransitioner(getDb(), { actor: read.user, articleId: id, action, note });
  if (!result.ok) return refusalResponse(result);
  const { article, revision } = result;
  return NextResponse.json({
    id: article.id,
    state: article.state,
    slug: article.slug,
    revision: { id: revision.id, contentHash: revision.contentHash },
  });
}
