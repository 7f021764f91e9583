import "server-only";
import { getSchema } from "@tiptap/core";
import type { Node as PmNode } from "@tiptap/pm/model";
import type { ArticleRevision } from "../../db/schema";
import { bodyExtensions, titleExtensions } from "../../newsroom/editorExtensions";

/** A revision's title and body as editor documents, or why they do not fit the editor's schema. */
export type RevisionDocument = { ok: true; title: PmNode; body: PmNode } | { ok: false; reason: string };

/**
 * Parses a stored revision with the editor's schema. Versions stored before the socket checked
 * the schema may hold nodes no editor knows (a `script` element, say); those are answered as
 * an invalid revision instead of failing deep inside a restore.
 */
export function revisionDocument(revision: Pick<ArticleRevision, "title" | "bodyJson">): RevisionDocument {
  try {
    const bodySchema = getSchema(bodyExtensions());
    const titleSchema = getSchema(titleExtensions());
    const body = bodySchema.nodeFromJSON(revision.bodyJson);
    // nodeFromJSON checks node and mark names; check() also checks content rules and attributes.
    body.check();
    const title = titleSchema.node("doc", null, [
      titleSchema.node("paragraph", null, revision.title ? [titleSchema.text(revision.title)] : []),
    ]);
    return { ok: true, title, body };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}
