import "server-only";
import type { Db } from "../../db/client";
import { renderStoryBody } from "../../newsroom/storyHtml";
import { documentContent } from "../articles/storyContent";
import { loadStoredDocument } from "../storyLog/storedDocument";
import { logLength, logRowAt, peopleById } from "./versionQueries";

/**
 * The story as it was right after the `index`-th logged update (time travel): replayed from
 * the nearest snapshot at or before that row, so the cost does not grow with history. `html` is
 * the body through the public page's whitelist (headings, lists, photos with captions; nothing
 * unsafe comes through) with pending suggestions (修订) shown as `<ins class="suggest-insert">`
 * and `<del class="suggest-delete">`, `text` the plain text.
 */
export async function momentView(db: Db, articleId: string, index: number) {
  const total = await logLength(db, articleId);
  if (total === 0) return { index: 0, total, at: null, by: null, updateId: 0, title: "", text: "", html: "" };
  const clamped = Math.min(Math.max(0, index), total - 1);
  const row = (await logRowAt(db, articleId, clamped))!;
  const stored = await loadStoredDocument(db, articleId, row.id);
  const { title, text, body } = documentContent(stored.state);
  const people = await peopleById(db, [row.userId]);
  return {
    index: clamped,
    total,
    updateId: row.id,
    at: row.createdAt.toISOString(),
    by: row.userId ? (people.get(row.userId) ?? null) : null,
    title,
    text,
    // The workbench's view: pending suggestions (修订) shown as such, as `text` holds them.
    html: renderStoryBody(body, { suggestions: "show" }),
  };
}
