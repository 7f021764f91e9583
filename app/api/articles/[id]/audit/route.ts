import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { verifiedAuditLog } from "@/server/articles/auditLog";
import { readableArticleRoute } from "@/server/http/readableArticle";

export const dynamic = "force-dynamic";

/**
 * `GET /api/articles/:id/audit`: every transition, whether the keyed hash chain and the article's
 * keyed head verify, and when they do not, which entry breaks it (id, position from the oldest,
 * and why) or how many entries are missing at the end.
 */
export const GET = readableArticleRoute(async ({ params: { id } }) => {
  const report = await verifiedAuditLog(getDb(), id);
  return NextResponse.json({
    verified: report.verified,
    brokenAt: report.brokenAt,
    brokenPosition: report.brokenPosition,
    reason: report.reason,
    missingEntries: report.missingEntries,
    entries: report.entries.map((e) => ({
      id: e.id,
      actorId: e.actorId,
      action: e.action,
      from: e.fromState,
      to: e.toState,
      note: e.note,
      contentHash: e.contentHash,
      revisionId: e.revisionId,
      prevHash: e.prevHash,
      hash: e.entryHash,
      algorithm: e.hashAlgorithm,
      at: e.createdAt.toISOString(),
    })),
  });
});
