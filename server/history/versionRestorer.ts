import { getSchema } from "@tiptap/core";
import { updateYFragment } from "@tiptap/y-tiptap";
import { and, eq } from "drizzle-orm";
import * as Y from "yjs";
import type { Db } from "../../db/client";
import { articleRevisions, type ArticleRevision, type User } from "../../db/schema";
import { bodyExtensions, titleExtensions } from "../../newsroom/editorExtensions";
import { mayEditText } from "../../newsroom/workflow";
import { actorOf } from "../articles/actorOf";
import { findArticleFacts } from "../articles/articleFacts";
import { refuse, type CommandResult } from "../articles/commandResult";
import { revisionWriter } from "../articles/revisionWriter";
import { captureContent } from "../articles/storyContent";
import { liveAccess } from "../collab/liveAccess";

/**
 * The update that turns `current` into the revision's title and body with the smallest change:
 * ProseMirror's view of the target is diffed against the Yjs fragments, so text that did not
 * change keeps its items (and so its authors). Made in a fresh document, whose new client id
 * becomes the restoring user's.
 */
function restoreUpdate(current: Uint8Array, revision: ArticleRevision): Uint8Array {
  const doc = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(doc, current);
    const before = Y.encodeStateVector(doc);
    const bodySchema = getSchema(bodyExtensions());
    const titleSchema = getSchema(titleExtensions());
    const body = bodySchema.nodeFromJSON(revision.bodyJson);
    const title = titleSchema.node("doc", null, [
      titleSchema.node("paragraph", null, revision.title ? [titleSchema.text(revision.title)] : []),
    ]);
    const meta = () => ({ mapping: new Map(), isOMark: new Map() });
    updateYFragment(doc, doc.getXmlFragment("title"), title, meta());
    updateYFragment(doc, doc.getXmlFragment("body"), body, meta());
    return Y.encodeStateAsUpdate(doc, before);
  } finally {
    doc.destroy();
  }
}

/**
 * Brings back an old version as a new change on top of the live draft (history is kept; the
 * restore is itself a version). Only people who may edit the text now may restore.
 */
export async function versionRestorer(
  db: Db,
  { actor: user, articleId, revisionId }: { actor: User; articleId: string; revisionId: number },
): Promise<CommandResult<{ revision: ArticleRevision }>> {
  const found = await findArticleFacts(db, articleId);
  if (!found) return refuse("not_found", "没有这篇稿件");
  const actor = actorOf(user);
  if (!actor || !mayEditText(actor, found.facts)) return refuse("forbidden", "稿件当前状态下你不能恢复版本");
  const [target] = await db
    .select()
    .from(articleRevisions)
    .where(and(eq(articleRevisions.articleId, articleId), eq(articleRevisions.id, revisionId)));
  if (!target) return refuse("not_found", "没有这个版本");

  await liveAccess().applyEdit(articleId, user.id, (current) => restoreUpdate(current, target));
  const revision = await revisionWriter(db, {
    articleId,
    kind: "restore",
    name: `恢复到:${target.name ?? `版本 ${target.id}`}`,
    createdBy: user.id,
    content: await captureContent(db, articleId),
  });
  return { ok: true, revision };
}
