import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { can } from "@/newsroom/policy";
import { availableActions } from "@/newsroom/workflow";
import { withPresence } from "@/server/articles/articleView";
import { getArticleSummary } from "@/server/articles/listArticles";
import { storedContentAndStats } from "@/server/articles/storedContent";
import { readableArticle } from "@/server/http/readableArticle";

export const dynamic = "force-dynamic";

/** `GET /api/articles/:id`: the article, its byline, who is in it, its saved text and its statistics (字数…). */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const access = await readableArticle(id);
  if ("error" in access) return access.error;
  const { actor, facts } = access;
  const db = getDb();
  const [view] = withPresence([(await getArticleSummary(db, id))!]);
  const { content, stats } = await storedContentAndStats(db, id);
  return NextResponse.json({
    ...view,
    canEdit: can(actor, "edit", facts),
    actions: availableActions(actor, facts),
    content,
    stats,
  });
}
