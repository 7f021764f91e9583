import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articleMembers, articles, users, type User } from "../../db/schema";
import { BYLINE_LABELS, type BylineLabel } from "../../newsroom/roles";
import { can } from "../../newsroom/policy";
import { liveAccess } from "../collab/liveAccess";
import { actorOf } from "../auth/actorOf";
import { findArticleFacts } from "../articles/articleFacts";
import { refuse, type CommandResult } from "./commandResult";
import { announceNotifications } from "../notifications/notificationHub";
import { notificationWriter } from "../notifications/notificationWriter";
import type { Actor, ArticleAccessFacts } from "../../newsroom/actor";

export type BylineChange =
  | { kind: "add"; username: string; label?: string }
  | { kind: "remove"; username: string }
  | { kind: "reorder"; usernames: string[] };

export interface BylineEditorProps {
  actor: User;
  articleId: string;
  change: BylineChange;
}

function isLabel(value: string): value is BylineLabel {
  return (BYLINE_LABELS as readonly string[]).includes(value);
}

/**
 * Whether this person may make this change to this story now: the refusal, or null. Taking
 * someone off is the desk's; adding and ordering also the reporter who started the story.
 */
function bylineRefusal(actor: Actor | null, change: BylineChange, facts: ArticleAccessFacts) {
  const action = change.kind === "remove" ? "changeByline" : "arrangeByline";
  if (can(actor, action, facts)) return null;
  if (can(actor, "manageMembers")) return refuse("conflict", "稿件已签发或发布，署名不能再改");
  if (actor && change.kind !== "remove" && facts.createdBy === actor.id && facts.memberIds.includes(actor.id)) {
    return refuse("conflict", "稿件已提交审核，署名只能由编辑调整");
  }
  return refuse("forbidden", change.kind === "remove" ? "只有编辑可以移除署名" : "只有编辑和稿件的发起记者可以调整署名");
}

/**
 * Adds, removes or reorders the reporters on an article's byline: the desk, or (adding and
 * ordering, while the story is written) the reporter who started it. The byline is part of the
 * approved content, so it is frozen from approval on. Someone added is notified (same
 * transaction).
 */
export async function bylineEditor(db: Db, { actor: user, articleId, change }: BylineEditorProps): Promise<CommandResult<object>> {
  const found = await findArticleFacts(db, articleId);
  if (!found) return refuse("not_found", "没有这篇稿件");
  const actor = actorOf(user);
  const early = bylineRefusal(actor, change, found.facts);
  if (early) return early;
  const notified: string[] = [];

  const refusal = await db.transaction(async (tx) => {
    await tx.select({ id: articles.id }).from(articles).where(eq(articles.id, articleId)).for("update");
    // Checked again under the lock an approval takes too: an approval that committed since
    // the first check has pinned the byline, and this change must not slip in after it.
    const locked = await findArticleFacts(tx, articleId);
    if (!locked) return refuse("not_found", "没有这篇稿件");
    const lockedRefusal = bylineRefusal(actor, change, locked.facts);
    if (lockedRefusal) return lockedRefusal;
    const current = await tx
      .select({ userId: articleMembers.userId, username: users.username })
      .from(articleMembers)
      .innerJoin(users, eq(users.id, articleMembers.userId))
      .where(eq(articleMembers.articleId, articleId))
      .orderBy(asc(articleMembers.position));

    if (change.kind === "reorder") {
      const wanted = change.usernames;
      const same = wanted.length === current.length && new Set(wanted).size === wanted.length && current.every((m) => wanted.includes(m.username));
      if (!same) return refuse("bad_request", "新的顺序必须恰好包含现有的全部署名成员");
      for (const [position, username] of wanted.entries()) {
        const member = current.find((m) => m.username === username)!;
        await tx.update(articleMembers).set({ position }).where(and(eq(articleMembers.articleId, articleId), eq(articleMembers.userId, member.userId)));
      }
      return null;
    }

    const [person] = await tx.select().from(users).where(eq(users.username, change.username)).limit(1);
    if (!person || person.disabled) return refuse("bad_request", `没有用户“${change.username}”`);
    if (change.kind === "remove") {
      await tx.delete(articleMembers).where(and(eq(articleMembers.articleId, articleId), eq(articleMembers.userId, person.id)));
      return null;
    }
    if (person.role !== "reporter") return refuse("bad_request", "只有记者和通讯员可以署名");
    const label = change.label ?? person.bylineLabel;
    if (!isLabel(label) || label === "编辑") return refuse("bad_request", "署名身份只能是“记者”或“通讯员”");
    if (current.some((m) => m.userId === person.id)) {
      await tx.update(articleMembers).set({ label }).where(and(eq(articleMembers.articleId, articleId), eq(articleMembers.userId, person.id)));
    } else {
      await tx.insert(articleMembers).values({ articleId, userId: person.id, label, position: current.length });
      notified.push(
        ...(await notificationWriter(tx, {
          kind: "byline_added",
          articleId,
          title: locked.article.title,
          actor: user,
          audiences: [{ userIds: [person.id] }],
        })),
      );
    }
    return null;
  });
  if (refusal) return refusal;
  announceNotifications(notified);

  const now = await findArticleFacts(db, articleId);
  if (now) await liveAccess().apply(articleId, now.facts);
  return { ok: true };
}
