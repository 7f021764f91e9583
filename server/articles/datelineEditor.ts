import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articles, type User } from "../../db/schema";
import { mayEditText } from "../../newsroom/workflow";
import { actorOf } from "./actorOf";
import { findArticleFacts } from "./articleFacts";
import { refuse, type CommandResult } from "./commandResult";

export const MAX_DATELINE_LENGTH = 20;

/** Sets the dateline ("长沙报道"), which is part of the byline line and of approved content. */
export async function datelineEditor(
  db: Db,
  { actor: user, articleId, dateline }: { actor: User; articleId: string; dateline: string },
): Promise<CommandResult<object>> {
  const value = dateline.trim();
  if (!value || value.length > MAX_DATELINE_LENGTH) return refuse("bad_request", `电头需为 1–${MAX_DATELINE_LENGTH} 个字`);
  const found = await findArticleFacts(db, articleId);
  if (!found) return refuse("not_found", "没有这篇稿件");
  const actor = actorOf(user);
  if (!actor || !mayEditText(actor, found.facts)) return refuse("forbidden", "稿件当前不能修改电头");
  await db.update(articles).set({ dateline: value, updatedAt: new Date() }).where(eq(articles.id, articleId));
  return { ok: true };
}
