import "server-only";
import { createHash } from "node:crypto";
import { yXmlFragmentToProsemirrorJSON } from "@tiptap/y-tiptap";
import { eq } from "drizzle-orm";
import * as Y from "yjs";
import type { Db } from "../../db/client";
import { articles } from "../../db/schema";
import { canonicalContent, type PmNode, type StoryContentSnapshot } from "../../newsroom/canonicalContent";
import { readStoryState, storyTitleAndText } from "../../newsroom/storyBlocks";
import { loadStoredDocument } from "../storyLog/storedDocument";
import { bylines } from "./listArticles";

/** A story's committed content with everything a revision stores. */
export interface CapturedContent extends StoryContentSnapshot {
  state: Uint8Array;
  upToUpdateId: number;
  text: string;
  contentHash: string;
}

export function contentHash(content: StoryContentSnapshot): string {
  return createHash("sha256").update(canonicalContent(content), "utf8").digest("hex");
}

/** Title, body JSON and text of a Yjs state (the live document format of DESIGN.md §3). */
export function documentContent(state: Uint8Array | null): { title: string; body: PmNode; text: string } {
  return readStoryState(state, (doc) => ({
    ...storyTitleAndText(doc),
    body: yXmlFragmentToProsemirrorJSON(doc.getXmlFragment("body")) as PmNode,
  }));
}

/**
 * Reads what is committed for an article (log + snapshot), with its byline and dateline, and
 * hashes it. Call inside the transaction that uses it, after the article row is locked.
 */
export async function captureContent(db: Db, articleId: string): Promise<CapturedContent> {
  const stored = await loadStoredDocument(db, articleId);
  const [article] = await db.select({ dateline: articles.dateline }).from(articles).where(eq(articles.id, articleId));
  const people = (await bylines(db, [articleId])).get(articleId) ?? [];
  const state = stored.state ?? Y.encodeStateAsUpdate(new Y.Doc());
  const { title, body, text } = documentContent(stored.state);
  const snapshot: StoryContentSnapshot = {
    title,
    body,
    byline: people.map(({ name, label }) => ({ name, label })),
    dateline: article?.dateline ?? "",
  };
  return { ...snapshot, state, upToUpdateId: stored.lastUpdateId, text, contentHash: contentHash(snapshot) };
}
