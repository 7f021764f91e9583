import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articles, type User } from "../../db/schema";
import { can } from "../../newsroom/policy";
import { actorOf } from "../auth/actorOf";
import { findArticleFacts } from "../articles/articleFacts";
import { refuse, type CommandResult } from "./commandResult";
import { lockedArticleFacts } from "./lockedArticleFacts";

export const MAX_DATELINE_LENGTH = 20;

export interface DatelineEditorProps {
  actor: User;
  articleId: string;
  dateline: string;
}

/** Sets the dateline ("长沙报道"), which is part of the byline line and of approved content. */
export async function datelineEditor(
  db: Db,
  { actor: user, articleId, dateline }: DatelineEditorProps,
): Promise<CommandResult<object>> {
  const value = dateline.trim();
  if (!value || value.length > MAX_DATELINE_LENGTH) return refuse("bad_request", `电头需为 1–${MAX_DATELINE_LENGTH} 个字`);
  const found = await findArticleFacts(db, articleId);
  if (!found) return refuse("not_found", "没有这篇稿件");
  const actor = actorOf(user);
  if (!can(actor, "editDateline", found.facts)) return refuse("forbidden", "稿件当前不能修改电头");
  // Under the row lock a transition takes: the state is read again, so a dateline change never
  // lands after an approval captured (and pinned) the old one.
  return db.transaction(async (tx) => {
    const locked = await lockedArticleFacts(tx, articleId);
    if (!locked) return refuse("not_found", "没有这篇稿件");
    if (!can(actor, "editDateline", locked.facts)) return refuse("conflict", "稿件状态已被他人更改，不能再修改电头");
    await tx.update(articles).set({ dateline: value, updatedAt: new Date() }).where(eq(articles.id, articleId));
    return { ok: true } as const;
  });
}
