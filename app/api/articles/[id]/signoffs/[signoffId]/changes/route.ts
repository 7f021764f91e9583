import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { diffView } from "@/server/history/diffView";
import { versionPoint } from "@/server/history/versionQueries";
import { apiError } from "@/server/http/apiErrors";
import { readableArticleRoute } from "@/server/http/readableArticle";
import { findSignoff } from "@/server/review/reviewLevelSetting";

export const dynamic = "force-dynamic";

/**
 * `GET /api/articles/:id/signoffs/:signoffId/changes`: what changed in the story since that
 * sign-off (自签署以来的修改): the version stored with it compared with the live text, every
 * insertion and deletion attributed to its writer (the history's diff).
 */
export const GET = readableArticleRoute<{ id: string; signoffId: string }>(async ({ params: { id, signoffId } }) => {
  const db = getDb();
  const signoff = /^\d{1,15}$/.test(signoffId) ? await findSignoff(db, id, Number(signoffId)) : null;
  if (!signoff) return apiError("not_found", "没有这条签署记录");
  const [from, to] = await Promise.all([versionPoint(db, id, String(signoff.revisionId)), versionPoint(db, id, "live")]);
  if (!from || !to) return apiError("not_found", "签署时的版本已不存在");
  return NextResponse.json({ level: signoff.levelName, contentHash: signoff.contentHash, ...(await diffView(db, id, from, to)) });
});
