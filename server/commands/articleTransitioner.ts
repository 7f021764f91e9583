import "server-only";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleRevisions, articles, type Article, type ArticleRevision, type User } from "../../db/schema";
import type { ArticleState } from "../../newsroom/articleStates";
import { ACTION_NAMES_ZH, decideTransition, type WorkflowAction } from "../../newsroom/workflow";
import { liveAccess } from "../collab/liveAccess";
import { actorOf } from "../auth/actorOf";
import { findArticleFacts } from "../articles/articleFacts";
import { auditEntryWriter } from "./auditEntryWriter";
import { refuse, type CommandResult } from "./commandResult";
import { revisionWriter } from "./revisionWriter";
import { inStoryCommandQueue } from "./storyCommandQueue";
import { captureContent } from "../articles/storyContent";
import { publishGateBlockers, type GateBlocker } from "../review/publishGate";
import { lockedReviewLevelSetting } from "../review/reviewLevelSetting";
import { approvalSignoff, signoffBlockers } from "../review/signoffGate";
import { announceNotifications } from "../notifications/notificationHub";
import { announceReviewChange } from "../review/commentEvents";
import { notificationWriter, type Audience } from "../notifications/notificationWriter";
import type { NotificationKind } from "../../newsroom/notificationKinds";

export interface ArticleTransitionerProps {
  actor: User;
  articleId: string;
  action: WorkflowAction;
  note?: string | null;
  /**
   * Set by the scheduler when it publishes a scheduled story: the transaction claims the
   * schedule (it must still be due and the same), so of several processes exactly one publishes.
   */
  scheduledAt?: Date;
}

/** Longest note accepted with a transition. */
export const MAX_NOTE_LENGTH = 2000;

class TransitionConflict extends Error {
  constructor(
    message: string,
    readonly blockers?: GateBlocker[],
  ) {
    super(message);
  }
}

/** A short, stable public address: publication date plus random letters. */
function newSlug(now: Date): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, "");
  return `${day}-${randomBytes(4).toString("hex")}`;
}

/** The article columns an action changes, besides `state`. */
function changesFor(
  action: WorkflowAction,
  article: Article,
  revision: ArticleRevision,
  note: string | null,
  now: Date,
): Partial<Article> {
  switch (action) {
    case "submit":
      return { changesNote: null };
    case "request_changes":
      // Reopening an approved story also calls off its scheduled publication.
      return { changesNote: note, approvedRevisionId: null, publishAt: null, publishScheduledBy: null };
    case "approve":
      return { approvedRevisionId: revision.id };
    case "publish": {
      const republishing = article.publishedRevisionId !== null;
      return {
        publishedRevisionId: article.approvedRevisionId,
        slug: article.slug ?? newSlug(now),
        firstPublishedAt: article.firstPublishedAt ?? now,
        publishedAt: now,
        ...(republishing && article.correctionNote ? { correctedAt: now } : {}),
        publishAt: null,
        publishScheduledBy: null,
        withdrawNote: null,
      };
    }
    case "correct":
      // The public page keeps the published version, without a note, until the fix is republished.
      return { correctionNote: note, correctedAt: null, approvedRevisionId: null };
    case "withdraw":
      return { withdrawNote: note };
    case "spike":
      return {};
  }
}

/** Who hears of each action (issue 13): the desk of a submission, the byline of the desk's answers. */
const NOTIFIED: Partial<Record<WorkflowAction, { kind: NotificationKind; audience: Audience }>> = {
  submit: { kind: "submitted", audience: "desk" },
  request_changes: { kind: "changes_requested", audience: "members" },
  approve: { kind: "approved", audience: "members" },
  publish: { kind: "published", audience: "members" },
};

/**
 * Moves an article through the workflow (DESIGN.md §4), in one transaction: lock, re-check,
 * capture the committed content as a revision, change state, append the audit entry.
 *
 * Live editors are switched to the new rights *before* the content is captured, and every
 * received edit is committed first: approval pins exactly the text that exists once nobody
 * can type any more. If the transaction fails, the real rights are put back.
 */
export async function articleTransitioner(
  db: Db,
  { actor: user, articleId, action, note: rawNote, scheduledAt }: ArticleTransitionerProps,
): Promise<CommandResult<{ article: Article; revision: ArticleRevision }>> {
  const note = rawNote?.trim() || null;
  if (note && note.length > MAX_NOTE_LENGTH) return refuse("bad_request", `说明不能超过 ${MAX_NOTE_LENGTH} 个字`);
  const found = await findArticleFacts(db, articleId);
  if (!found) return refuse("not_found", "没有这篇稿件");
  const actor = actorOf(user);
  if (!actor) return refuse("forbidden", "没有权限");
  const decision = decideTransition(actor, found.facts, action, note);
  if (!decision.ok) {
    if (decision.reason === "forbidden") return refuse("forbidden", `你不能对这篇稿件执行“${ACTION_NAMES_ZH[action]}”`);
    if (decision.reason === "note_required") return refuse("bad_request", `“${ACTION_NAMES_ZH[action]}”需要填写说明`);
    return refuse("conflict", `稿件当前状态不能执行“${ACTION_NAMES_ZH[action]}”`);
  }

  // Queued behind a restore of the same story, so its edit is either in what this captures or refused.
  return inStoryCommandQueue(articleId, () => transitionNow(db, user, articleId, action, note, found.facts.state, decision.to, scheduledAt));
}

/** The transition itself, once the story's queue reached it: the facts are read again first. */
async function transitionNow(
  db: Db,
  user: User,
  articleId: string,
  action: WorkflowAction,
  note: string | null,
  fromState: string,
  toState: ArticleState,
  scheduledAt?: Date,
): Promise<CommandResult<{ article: Article; revision: ArticleRevision }>> {
  const live = liveAccess();
  const found = await findArticleFacts(db, articleId);
  if (!found || found.facts.state !== fromState) return refuse("conflict", "稿件状态已被他人更改，请刷新后重试");
  const decision = { to: toState };
  await live.apply(articleId, { ...found.facts, state: decision.to });
  try {
    await live.flush(articleId);
    const result = await db.transaction(async (tx) => {
      const [article] = await tx.select().from(articles).where(eq(articles.id, articleId)).for("update");
      if (!article || article.state !== found.facts.state) throw new TransitionConflict("稿件状态已被他人更改，请刷新后重试");
      if (scheduledAt && article.publishAt?.getTime() !== scheduledAt.getTime()) {
        throw new TransitionConflict("定时发布已取消或已更改");
      }
      const content = await captureContent(tx, articleId);
      if (action === "publish") {
        const [approved] = article.approvedRevisionId
          ? await tx.select().from(articleRevisions).where(eq(articleRevisions.id, article.approvedRevisionId))
          : [];
        if (!approved || approved.contentHash !== content.contentHash) {
          throw new TransitionConflict("稿件内容与签发时不一致，不能发布；请退回后重新签发");
        }
      }
      // Read once, under the levels lock: the gate and the default sign-off judge the same setting.
      const levelSetting = action === "approve" ? await lockedReviewLevelSetting(tx) : null;
      if (action === "approve" || action === "publish") {
        const blockers = [
          ...(await publishGateBlockers(tx, articleId, content)),
          // 签发 needs every review level (三审) signed on this very text.
          ...(levelSetting ? await signoffBlockers(tx, articleId, content.contentHash, levelSetting) : []),
        ];
        if (blockers.length > 0) {
          const list = blockers.map((b) => b.message).join("；");
          throw new TransitionConflict(`不能${ACTION_NAMES_ZH[action]}：${list}`, blockers);
        }
      }
      const revision = await revisionWriter(tx, {
        articleId,
        kind: "transition",
        name: ACTION_NAMES_ZH[action],
        createdBy: user.id,
        content,
      });
      const now = new Date();
      const [updated] = await tx
        .update(articles)
        .set({ state: decision.to, updatedAt: now, ...changesFor(action, article, revision, note, now) })
        .where(eq(articles.id, articleId))
        .returning();
      const entry = await auditEntryWriter(tx, {
        articleId,
        actorId: user.id,
        action,
        fromState: article.state,
        toState: decision.to,
        note,
        contentHash: content.contentHash,
        revisionId: revision.id,
      });
      if (levelSetting) {
        await approvalSignoff(tx, {
          setting: levelSetting,
          articleId,
          approverId: user.id,
          contentHash: content.contentHash,
          revisionId: revision.id,
          auditEntryId: entry.id,
        });
      }
      const notice = NOTIFIED[action];
      const notified = notice
        ? await notificationWriter(tx, {
            kind: notice.kind,
            articleId,
            title: article.title,
            actor: user,
            note,
            // A scheduled publication is news to the editor who set it up, too.
            audiences: scheduledAt ? [notice.audience, { userIds: [user.id] }] : [notice.audience],
            tellActor: scheduledAt !== undefined,
          })
        : [];
      return { article: updated, revision, notified };
    });
    announceNotifications(result.notified);
    // Who may sign now follows the state (a resubmission starts a new cycle): panels read again.
    announceReviewChange(articleId);
    return { ok: true, article: result.article, revision: result.revision };
  } catch (err) {
    if (err instanceof TransitionConflict) {
      return err.blockers ? { ...refuse("conflict", err.message), blockers: err.blockers } : refuse("conflict", err.message);
    }
    throw err;
  } finally {
    const now = await findArticleFacts(db, articleId);
    if (now) await live.apply(articleId, now.facts);
  }
}
