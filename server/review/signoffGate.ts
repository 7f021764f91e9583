import "server-only";
import type { Db } from "../../db/client";
import { articleSignoffs } from "../../db/schema";
import { DEFAULT_LEVEL_NAME, levelStandings, missingLevels } from "../../newsroom/reviewLevels";
import type { GateBlocker } from "./publishGate";
import { reviewLevelSetting, storySignoffs } from "./reviewLevelSetting";

/**
 * The levels (三审) not signed on `contentHash`, as 签发's 409 lists them, one blocker per level
 * in order. Run in the approval's transaction, under the story's row lock (sign-offs take it too).
 */
export async function signoffBlockers(tx: Db, articleId: string, contentHash: string): Promise<GateBlocker[]> {
  const [setting, signoffs] = await Promise.all([reviewLevelSetting(tx), storySignoffs(tx, articleId)]);
  return missingLevels(setting, signoffs, contentHash).map((level) => ({
    kind: "signoff",
    id: level.name,
    message: `“${level.name}”未在当前内容上签署`,
  }));
}

export interface ApprovalSignoffProps {
  articleId: string;
  approverId: string;
  contentHash: string;
  revisionId: number;
  auditEntryId: number;
}

/**
 * With the default single level (nothing configured), 签发 is that level's sign-off: it is
 * recorded for the receipt, pointing at the approval's own audit entry, unless an editor already
 * signed the level on this text. Configured levels are signed only by their own requests.
 */
export async function approvalSignoff(tx: Db, props: ApprovalSignoffProps): Promise<void> {
  const setting = await reviewLevelSetting(tx);
  if (!setting.isDefault) return;
  const [standing] = levelStandings(setting, await storySignoffs(tx, props.articleId), props.contentHash);
  if (standing?.signed) return;
  await tx.insert(articleSignoffs).values({
    articleId: props.articleId,
    levelPosition: 1,
    levelName: DEFAULT_LEVEL_NAME,
    signerId: props.approverId,
    contentHash: props.contentHash,
    revisionId: props.revisionId,
    auditEntryId: props.auditEntryId,
    byApproval: true,
  });
}
