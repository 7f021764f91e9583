import "server-only";
import type { Node as PmNode } from "@tiptap/pm/model";
import { updateYFragment } from "@tiptap/y-tiptap";
import { and, eq } from "drizzle-orm";
import * as Y from "yjs";
import type { Db } from "../../db/client";
import { articleRevisions, type ArticleRevision, type User } from "../../db/schema";
import { can } from "../../newsroom/policy";
import { actorOf } from "../auth/actorOf";
import { findArticleFacts } from "../articles/articleFacts";
import { refuse, type CommandResult } from "./commandResult";
import { revisionWriter } from "./revisionWriter";
import { inStoryCommandQueue } from "./storyCommandQueue";
import { lockedArticleFacts } from "./lockedArticleFacts";
import { captureContent } from "../articles/storyContent";
import { isEditNotSaved, liveAccess } from "../collab/liveAccess";
import { revisionDocument } from "../history/revisionDocument";
import { verbatimDoc } from "../storyLog/verbatimDoc";

/** A stored version whose content the editor's schema does not accept: nothing was changed. */
export interface InvalidRevision {
  ok: false;
  code: "invalid_revision";
  message: string;
}

/** The restore's edit could not be stored (the story could not save): no version was written. */
export interface RestoreNotSaved {
  ok: false;
  code: "save_failed";
  message: string;
}

/**
 * The update that turns `current` into the revision's title and body with the smallest change:
 * ProseMirror's view of the target is diffed against the Yjs fragments, so text that did not
 * change keeps its items (and so its authors). Made in a fresh document, whose new client id
 * becomes the restoring user's.
 */
function restoreUpdate(current: Uint8Array, target: { title: PmNode; body: PmNode }): Uint8Array {
  const doc = verbatimDoc();
  try {
    Y.applyUpdate(doc, current);
    const before = Y.encodeStateVector(doc);
    const meta = () => ({ mapping: new Map(), isOMark: new Map() });
    updateYFragment(doc, doc.getXmlFragment("title"), target.title, meta());
    updateYFragment(doc, doc.getXmlFragment("body"), target.body, meta());
    return Y.encodeStateAsUpdate(doc, before);
  } finally {
    doc.destroy();
  }
}

export interface VersionRestorerProps {
  actor: User;
  articleId: string;
  revisionId: number;
}

/**
 * Brings back an old version as a new change on top of the live draft (history is kept; the
 * restore is itself a version). Only people who may edit the text now may restore; the right
 * is checked again under the story's row lock, queued behind any transition of the story in
 * this process, so an approval can never be overtaken by a restore (409).
 */
export async function versionRestorer(
  db: Db,
  { actor: user, articleId, revisionId }: VersionRestorerProps,
): Promise<CommandResult<{ revision: ArticleRevision }> | InvalidRevision | RestoreNotSaved> {
  const found = await findArticleFacts(db, articleId);
  if (!found) return refuse("not_found", "没有这篇稿件");
  const actor = actorOf(user);
  if (!can(actor, "restore", found.facts)) return refuse("forbidden", "稿件当前状态下你不能恢复版本");
  const [target] = await db
    .select()
    .from(articleRevisions)
    .where(and(eq(articleRevisions.articleId, articleId), eq(articleRevisions.id, revisionId)));
  if (!target) return refuse("not_found", "没有这个版本");
  const document = revisionDocument(target);
  if (!document.ok) {
    return { ok: false, code: "invalid_revision", message: "这个版本含有编辑器不支持的内容，无法恢复；请选择其他版本" };
  }

  return inStoryCommandQueue(articleId, async () => {
    const stillWritable = await db.transaction(async (tx) => {
      const now = await lockedArticleFacts(tx, articleId);
      return now !== null && can(actor, "restore", now.facts);
    });
    if (!stillWritable) return refuse("conflict", "稿件状态已被他人更改，不能再恢复版本；请刷新后查看");

    try {
      await liveAccess().applyEdit(articleId, user.id, (current) => restoreUpdate(current, document));
    } catch (err) {
      if (!isEditNotSaved(err)) throw err;
      return { ok: false as const, code: "save_failed" as const, message: "服务器暂时无法保存，版本没有恢复；请稍后重试" };
    }
    // The restore's edit is committed; its version is written under the row lock, so it
    // captures exactly the story as it is after the edit, in one transaction.
    const revision = await db.transaction(async (tx) => {
      await lockedArticleFacts(tx, articleId);
      return revisionWriter(tx, {
        articleId,
        kind: "restore",
        name: `恢复到：${target.name ?? `版本 ${target.id}`}`,
        createdBy: user.id,
        content: await captureContent(tx, articleId),
      });
    });
    return { ok: true as const, revision };
  });
}
