import { NextResponse } from "next/server";
import { getDb } from "../../../../db/client";
import { canEditArticle, canReadArticle } from "../../../../newsroom/permissions";
import { isRole } from "../../../../newsroom/roles";
import { availableActions } from "../../../../newsroom/workflow";
import { findArticleFacts } from "../../../../server/articles/articleFacts";
import { withPresence } from "../../../../server/articles/articleView";
import { getArticleSummary } from "../../../../server/articles/listArticles";
import { storedContent } from "../../../../server/articles/storedContent";
import { currentUser } from "../../../../server/auth/currentUser";
import { apiError, articleNotFound, notSignedIn } from "../../../../server/http/apiErrors";

export const dynamic = "force-dynamic";

/** `GET /api/articles/:id`: the article, its byline, who is in it, and its saved text. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await currentUser();
  if (!user || !isRole(user.role)) return notSignedIn();
  const db = getDb();
  const found = await findArticleFacts(db, id);
  if (!found) return articleNotFound();
  const actor = { id: user.id, role: user.role };
  if (!canReadArticle(actor, found.facts)) return apiError("forbidden", "没有查看这篇稿件的权限");
  const [view] = withPresence([(await getArticleSummary(db, id))!]);
  return NextResponse.json({
    ...view,
    canEdit: canEditArticle(actor, found.facts),
    actions: availableActions(actor, found.facts),
    content: await storedContent(db, id),
  });
}
