import "server-only";
import type { Db } from "../../db/client";
import type { ArticleRevision, User } from "../../db/schema";
import { can } from "../../newsroom/policy";
import { actorOf } from "../auth/actorOf";
import { captureContent } from "../articles/storyContent";
import { liveAccess } from "../collab/liveAccess";
import { refuse, type CommandResult } from "./commandResult";
import { lockedArticleFacts } from "./lockedArticleFacts";
import { revisionWriter } from "./revisionWriter";

export interface NamedVersionWriterProps {
  actor: User;
  articleId: string;
  name: string;
}

/**
 * Saves the story's current text as a version with a name ("交编辑前"). Every edit received so
 * far is committed first, so the version holds what the person saw; the version is then written
 * in one transaction under the story's row lock, with the right checked again there.
 */
export async function namedVersionWriter(
  db: Db,
  { actor: user, articleId, name }: NamedVersionWriterProps,
): Promise<CommandResult<{ revision: ArticleRevision }>> {
  const actor = actorOf(user);
  await liveAccess().flush(articleId);
  return db.transaction(async (tx) => {
    const found = await lockedArticleFacts(tx, articleId);
    if (!found) return refuse("not_found", "没有这篇稿件");
    if (!can(actor, "saveVersion", found.facts)) return refuse("forbidden", "你不能为这篇稿件保存版本");
    const content = await captureContent(tx, articleId);
    const revision = await revisionWriter(tx, { articleId, kind: "named", name, createdBy: user.id, content });
    return { ok: true as const, revision };
  });
}
