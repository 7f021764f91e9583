import "server-only";
import { announceReviewChange } from "../review/commentEvents";
import type { Db } from "../../db/client";
import { articleCheckOverrides, type User } from "../../db/schema";
import { CHECK_NAMES_ZH, type CheckId } from "../../newsroom/checks/checkResult";
import { can } from "../../newsroom/policy";
import { actorOf } from "../auth/actorOf";
import { captureContent } from "../articles/storyContent";
import { checkReport, dependsOnLexicon, type CheckReport } from "../review/checkReport";
import { auditEntryWriter } from "./auditEntryWriter";
import { refuse, type CommandResult } from "./commandResult";
import { lockedArticleFacts } from "./lockedArticleFacts";

/** Longest reason for an override. */
export const MAX_OVERRIDE_REASON_LENGTH = 500;

/** The audit chain's action name for an override. */
export const OVERRIDE_CHECK_ACTION = "override_check";

export interface CheckOverriderProps {
  actor: User;
  articleId: string;
  checkId: CheckId;
  /** The hash the editor saw failing: an override never lands on text they did not see. */
  contentHash: string;
  reason: string;
  /**
   * The lexicon version of the report the editor saw, when the client sends it: a sensitive-word
   * override given after the lexicon changed would cover findings nobody looked at.
   */
  lexiconVersion?: string;
}

/**
 * An editor lets one failed check through for the story's current text, with a reason, in one
 * transaction under the story's row lock: the override is stored for that content hash and
 * written to the audit chain (a change of the text needs a new override).
 */
export async function checkOverrider(db: Db, props: CheckOverriderProps): Promise<CommandResult<{ report: CheckReport }>> {
  const { actor: user, articleId, checkId, contentHash } = props;
  const reason = props.reason.trim();
  if (!reason) return refuse("bad_request", "豁免检查需要填写理由");
  if (reason.length > MAX_OVERRIDE_REASON_LENGTH) return refuse("bad_request", `理由不能超过 ${MAX_OVERRIDE_REASON_LENGTH} 个字`);
  const result = await db.transaction(async (tx): Promise<CommandResult<{ report: CheckReport }>> => {
    const found = await lockedArticleFacts(tx, articleId);
    if (!found) return refuse("not_found", "没有这篇稿件");
    if (!can(actorOf(user), "overrideCheck", found.facts)) return refuse("forbidden", "只有编辑可以豁免检查");
    const content = await captureContent(tx, articleId);
    if (content.contentHash !== contentHash) return refuse("conflict", "稿件内容已改变，请在最新内容的检查结果上豁免");
    const before = await checkReport(tx, articleId, content);
    const check = before.checks.find((c) => c.id === checkId);
    if (check?.status !== "failed") return refuse("conflict", `“${CHECK_NAMES_ZH[checkId]}”检查没有失败，无需豁免`);
    if (check.override) return refuse("conflict", `“${CHECK_NAMES_ZH[checkId]}”已被豁免`);
    if (dependsOnLexicon(checkId) && props.lexiconVersion !== undefined && props.lexiconVersion !== before.lexiconVersion)
      return refuse("conflict", "敏感词词库已更新，请查看最新的检查结果后再豁免");
    // Given under the lexicon the checks ran against; one given under an older lexicon (which
    // no longer holds, so `check.override` is null) is replaced. The audit chain keeps both.
    const values = { articleId, contentHash, checkId, reason, actorId: user.id, lexiconVersion: before.lexiconVersion };
    await tx
      .insert(articleCheckOverrides)
      .values(values)
      .onConflictDoUpdate({
        target: [articleCheckOverrides.articleId, articleCheckOverrides.contentHash, articleCheckOverrides.checkId],
        set: { reason, actorId: user.id, lexiconVersion: before.lexiconVersion, createdAt: new Date() },
      });
    await auditEntryWriter(tx, {
      articleId,
      actorId: user.id,
      action: OVERRIDE_CHECK_ACTION,
      fromState: found.facts.state,
      toState: found.facts.state,
      note: `${CHECK_NAMES_ZH[checkId]}：${reason}`,
      contentHash,
      revisionId: null,
    });
    return { ok: true, report: await checkReport(tx, articleId, content) };
  });
  // Everyone's checks and 三审 panels show the override without a reload.
  if (result.ok) announceReviewChange(articleId);
  return result;
}
