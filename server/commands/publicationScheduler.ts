import "server-only";
import { and, eq, isNotNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articles, type User } from "../../db/schema";
import { formatShortTime } from "../../newsroom/timeFormat";
import { decideTransition } from "../../newsroom/workflow";
import { actorOf } from "../auth/actorOf";
import { findArticleFacts } from "../articles/articleFacts";
import { now } from "../clock";
import { setting } from "../env";
import { announceNotifications } from "../notifications/notificationHub";
import { notificationWriter } from "../notifications/notificationWriter";
import { refuse, type CommandResult } from "./commandResult";

export interface PublicationSchedulerProps {
  actor: User;
  articleId: string;
  /** When to publish; null cancels the schedule. */
  at: Date | null;
}

/**
 * Schedules (or cancels) the publication of an approved story (定时发布). Only who may publish it
 * now may schedule it; the time must lie ahead (by the server's clock) and within
 * SCHEDULED_PUBLISH_MAX_DAYS. The approved, pinned revision stays what will be published: the
 * scheduled publish is an ordinary `publish` taken then, hash check included
 * (server/publication/scheduledPublisher.ts). Stored on the story's row, so it survives restarts.
 */
export async function publicationScheduler(
  db: Db,
  { actor: user, articleId, at }: PublicationSchedulerProps,
): Promise<CommandResult<{ publishAt: string | null }>> {
  const found = await findArticleFacts(db, articleId);
  if (!found) return refuse("not_found", "没有这篇稿件");
  const actor = actorOf(user);
  if (!actor) return refuse("forbidden", "没有权限");
  if (at === null) return cancel(db, user, articleId, found.facts.state);
  const decision = decideTransition(actor, found.facts, "publish");
  if (!decision.ok && decision.reason === "forbidden") return refuse("forbidden", "你不能发布这篇稿件");
  if (!decision.ok) return refuse("conflict", "只有已签发的稿件可以定时发布");
  if (at.getTime() <= now()) return refuse("bad_request", "定时发布的时间必须在将来");
  const maxDays = setting("SCHEDULED_PUBLISH_MAX_DAYS");
  if (at.getTime() > now() + maxDays * 86_400_000) return refuse("bad_request", `定时发布最多提前 ${maxDays} 天`);

  const notified = await db.transaction(async (tx) => {
    const [article] = await tx.select().from(articles).where(eq(articles.id, articleId)).for("update");
    if (!article || article.state !== found.facts.state) return null;
    await tx.update(articles).set({ publishAt: at, publishScheduledBy: user.id }).where(eq(articles.id, articleId));
    return notificationWriter(tx, {
      kind: "publish_scheduled",
      articleId,
      title: article.title,
      actor: user,
      audiences: ["members"],
      note: formatShortTime(at.toISOString()),
    });
  });
  if (notified === null) return refuse("conflict", "稿件状态已被他人更改，请刷新后重试");
  announceNotifications(notified);
  return { ok: true, publishAt: at.toISOString() };
}

/** Calls a schedule off (the desk); nothing scheduled is a 409. */
async function cancel(db: Db, user: User, articleId: string, state: string): Promise<CommandResult<{ publishAt: null }>> {
  const actor = actorOf(user)!;
  if (!decideTransition(actor, { state: "approved", memberIds: [] }, "publish").ok) return refuse("forbidden", "你不能取消定时发布");
  const cancelled = await db
    .update(articles)
    .set({ publishAt: null, publishScheduledBy: null })
    .where(and(eq(articles.id, articleId), eq(articles.state, state), isNotNull(articles.publishAt)))
    .returning({ id: articles.id });
  if (cancelled.length === 0) return refuse("conflict", "这篇稿件没有定时发布");
  return { ok: true, publishAt: null };
}
