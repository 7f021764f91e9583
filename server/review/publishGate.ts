import "server-only";
import type { Db } from "../../db/client";
import type { CheckedContent } from "../../newsroom/checks/runChecks";
import { suggestionsInJson, type OpenSuggestion } from "../../newsroom/suggestions";
import { checkReport } from "./checkReport";
import { openThreadCount } from "./commentThreads";
import { listedSuggestions } from "./suggestionGateLimits";

/** One thing that keeps a story from 签发 or 发布, as the 409 lists it. */
export interface GateBlocker {
  kind: "comments" | "check" | "suggestions" | "signoff";
  /** The check's id, for `kind: "check"`; the level's name for `kind: "signoff"`. */
  id?: string;
  message: string;
  /** How many suggestions are open, for `kind: "suggestions"` (counted from the captured content). */
  count?: number;
  /** The first of them (GATE_LISTED_SUGGESTIONS_MAX), each text cut to an excerpt. */
  suggestions?: OpenSuggestion[];
}

/**
 * What blocks approving or publishing this exact content (DESIGN.md §4): open comment threads,
 * open suggestions (修订) in the content itself, and machine checks of its hash that failed
 * without an editor's override. The checks are run for the hash here when nobody has looked at them yet, so they are never missing. Run inside
 * the transition's transaction, under the story's row lock (comments and overrides take it too).
 */
export async function publishGateBlockers(
  tx: Db,
  articleId: string,
  content: CheckedContent & { contentHash: string },
): Promise<GateBlocker[]> {
  const blockers: GateBlocker[] = [];
  const open = await openThreadCount(tx, articleId);
  if (open > 0) blockers.push({ kind: "comments", message: `还有 ${open} 条评论未解决` });
  const suggestions = suggestionsInJson(content.body);
  if (suggestions.length > 0) {
    blockers.push({ kind: "suggestions", message: `还有 ${suggestions.length} 处修订未处理`, count: suggestions.length, suggestions: listedSuggestions(suggestions) });
  }
  const report = await checkReport(tx, articleId, content);
  for (const check of report.checks) {
    if (report.blocking.includes(check.id)) {
      blockers.push({ kind: "check", id: check.id, message: `检查未通过：${check.name}（${check.findings[0]?.message ?? ""}）` });
    }
  }
  return blockers;
}
