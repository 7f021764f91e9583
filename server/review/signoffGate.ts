import "server-only";
import type { Db } from "../../db/client";
import { articleSignoffs } from "../../db/schema";
import { DEFAULT_LEVEL_NAME, levelStandings, missingLevels, type ReviewLevelSetting } from "../../newsroom/reviewLevels";
import type { GateBlocker } from "./publishGate";
import { signerRoster, storySignoffs } from "./reviewLevelSetting";

/**
 * The levels (三审) not signed on `contentHash` by someone who may still sign them, as 签发's 409
 * lists them, one blocker per level in order. Run in the approval's transaction, under the
 * story's row lock (sign-offs take it too), with the setting it read once under the levels lock.
 */
export async function signoffBlockers(tx: Db, articleId: string, contentHash: string, setting: ReviewLevelSetting): Promise<GateBlocker[]> {
  if (setting.isDefault) return [];
  const signoffs = await storySignoffs(tx, articleId);
  const roster = await signerRoster(tx, setting, signoffs);
  return missingLevels(setting, signoffs, contentHash, roster).map((level) => ({
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
  /** The setting the approval judged the levels by (read once, under the levels lock). */
  setting: ReviewLevelSetting;
}

/**
 * With the default single level (nothing configured), 签发 is that level's sign-off: it is
 * recorded for the receipt, pointing at the approval's own audit entry, unless an approver
 * already signed the level on this text. Configured levels are signed only by their own requests.
 */
export async function approvalSignoff(tx: Db, props: ApprovalSignoffProps): Promise<void> {
  const { setting } = props;
  if (!setting.isDefault) return;
  const signoffs = await storySignoffs(tx, props.articleId);
  const [standing] = levelStandings(setting, signoffs, props.contentHash, await signerRoster(tx, setting, signoffs));
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
