import "server-only";
import { announceReviewChange } from "../review/commentEvents";
import type { Db } from "../../db/client";
import { articleSignoffs, type ArticleSignoff, type User } from "../../db/schema";
import { signoffRefusal } from "../../newsroom/reviewLevels";
import { actorOf } from "../auth/actorOf";
import { captureContent } from "../articles/storyContent";
import { liveAccess } from "../collab/liveAccess";
import { lockedReviewLevelSetting, signerRoster, storySignoffs, submissionCycleStart } from "../review/reviewLevelSetting";
import { maxSignoffsPerStory } from "../review/signoffLimits";
import { auditEntryWriter } from "./auditEntryWriter";
import { refuse, type CommandRefusal, type CommandResult } from "./commandResult";
import { lockedArticleFacts } from "./lockedArticleFacts";
import { revisionWriter } from "./revisionWriter";
import { inStoryCommandQueue } from "./storyCommandQueue";

/** The audit chain's action name for a sign-off. */
export const SIGN_OFF_ACTION = "sign_off";

export interface SignoffWriterProps {
  actor: User;
  articleId: string;
  /** The level's name (初审, 复审, 终审 …). */
  level: string;
  /** The hash the signer was looking at, when known: a sign-off never lands on text they did not see. */
  contentHash?: string;
}

const STATUS_CODES = { 400: "bad_request", 403: "forbidden", 409: "conflict" } as const;

/**
 * Signs one review level of a submitted story (三审): under the story's row lock the rules are
 * judged against every earlier sign-off and the committed text, then the text is stored as a
 * version (what "changed since you signed" is compared with), the sign-off is written to the
 * audit chain, and recorded pinned to the content hash. Queued with the story's transitions.
 */
export async function signoffWriter(db: Db, props: SignoffWriterProps): Promise<CommandResult<{ signoff: ArticleSignoff }>> {
  const { actor: user, articleId, level } = props;
  const actor = actorOf(user);
  if (!actor) return refuse("forbidden", "没有权限");
  const result = await inStoryCommandQueue(articleId, async () => {
    // What was typed before the click is what the sign-off covers.
    await liveAccess().flush(articleId);
    return db.transaction(async (tx): Promise<CommandResult<{ signoff: ArticleSignoff }>> => {
      const found = await lockedArticleFacts(tx, articleId);
      if (!found) return refuse("not_found", "没有这篇稿件");
      const setting = await lockedReviewLevelSetting(tx);
      const [signoffs, content, cycleStart] = await Promise.all([
        storySignoffs(tx, articleId),
        captureContent(tx, articleId),
        submissionCycleStart(tx, articleId),
      ]);
      const roster = await signerRoster(tx, setting, signoffs);
      const refused = signoffRefusal({
        actor,
        state: found.facts.state,
        levelName: level,
        setting,
        signoffs,
        currentHash: content.contentHash,
        roster,
        cycleStart,
      });
      if (refused) return { ...refuse(STATUS_CODES[refused.status], refused.message), reason: refused.reason } as CommandRefusal;
      if (props.contentHash !== undefined && props.contentHash !== content.contentHash) {
        return { ...refuse("conflict", "稿件内容已改变，请看过最新内容后再签署"), reason: "text_changed" };
      }
      // Bounded per submission cycle: a story sent back and submitted again starts afresh.
      const limit = maxSignoffsPerStory();
      if (signoffs.filter((s) => (s.auditEntryId ?? 0) > cycleStart).length >= limit) {
        return { ...refuse("conflict", `这篇稿件的签署记录已达上限（${limit} 条）`), reason: "too_many_signoffs" };
      }
      const position = setting.levels.findIndex((l) => l.name === level) + 1;
      const revision = await revisionWriter(tx, {
        articleId,
        kind: "transition",
        name: `${level}签署`,
        createdBy: user.id,
        content,
      });
      const entry = await auditEntryWriter(tx, {
        articleId,
        actorId: user.id,
        action: SIGN_OFF_ACTION,
        fromState: found.facts.state,
        toState: found.facts.state,
        note: level,
        contentHash: content.contentHash,
        revisionId: revision.id,
      });
      const [signoff] = await tx
        .insert(articleSignoffs)
        .values({
          articleId,
          levelPosition: position,
          levelName: level,
          signerId: user.id,
          contentHash: content.contentHash,
          revisionId: revision.id,
          auditEntryId: entry.id,
        })
        .returning();
      return { ok: true, signoff };
    });
  });
  // Colleagues' 三审 panels show the new sign-off without a reload.
  if (result.ok) announceReviewChange(articleId);
  return result;
}
