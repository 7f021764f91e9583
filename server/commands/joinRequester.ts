import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { notifications, type User } from "../../db/schema";
import { can } from "../../newsroom/policy";
import { actorOf } from "../auth/actorOf";
import { announceNotifications } from "../notifications/notificationHub";
import { notificationWriter } from "../notifications/notificationWriter";
import { refuse, type CommandRefusal, type CommandResult } from "./commandResult";
import { lockedArticleFacts } from "./lockedArticleFacts";

export interface JoinRequesterProps {
  actor: User;
  articleId: string;
}

/**
 * A reporter not on a story's byline asks to join it: its members and the desk are notified
 * (they add the person with the byline panel). One open request per person and story: asking
 * again while someone has not yet read the first changes nothing.
 */
export async function joinRequester(db: Db, { actor: user, articleId }: JoinRequesterProps): Promise<CommandResult<{ notified: number }>> {
  const actor = actorOf(user);
  // Decided under the story's row lock: a byline change or a submission in between is seen.
  const notified = await db.transaction(async (tx): Promise<string[] | CommandRefusal> => {
    const found = await lockedArticleFacts(tx, articleId);
    if (!found) return refuse("not_found", "没有这篇稿件");
    if (!can(actor, "askToJoin", found.facts)) {
      return refuse(found.facts.memberIds.includes(user.id) ? "conflict" : "forbidden", "现在不能申请加入这篇稿件的署名");
    }
    const [open] = await tx
      .select({ id: notifications.id })
      .from(notifications)
      .where(
        and(
          eq(notifications.articleId, articleId),
          eq(notifications.actorId, user.id),
          eq(notifications.kind, "join_requested"),
          isNull(notifications.readAt),
        ),
      )
      .limit(1);
    if (open) return refuse("conflict", "已经申请过，请等待署名成员或编辑处理");
    return notificationWriter(tx, {
      kind: "join_requested",
      articleId,
      title: found.article.title,
      actor: user,
      audiences: ["members", "desk"],
    });
  });
  if (!Array.isArray(notified)) return notified;
  announceNotifications(notified);
  return { ok: true, notified: notified.length };
}
