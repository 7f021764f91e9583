import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { can } from "@/newsroom/policy";
import { availableActions } from "@/newsroom/workflow";
import { withPresence } from "@/server/articles/articleView";
import { getArticleSummary } from "@/server/articles/listArticles";
import { storedContentAndStats } from "@/server/articles/storedContent";
import { readableArticleRoute } from "@/server/http/readableArticle";

export const dynamic = "force-dynamic";

/** `GET /api/articles/:id`: the article, its byline, who is in it, its saved text and its statistics (字数…). */
export const GET = readableArticleRoute(async ({ params: { id }, actor, facts }) => {
  const db = getDb();
  // Both reads are sent at once: the embedded database's worker runs the second as soon as the
  // first is done, without a round trip through this thread in between.
  const [summary, { content, stats }] = await Promise.all([getArticleSummary(db, id), storedContentAndStats(db, id)]);
  const [view] = withPresence([summary!]);
  return NextResponse.json({
    ...view,
    canEdit: can(actor, "edit", facts),
    actions: availableActions(actor, facts),
    content,
    stats,
  });
});
