import "server-only";
import type { Db } from "../../db/client";
import { readStoryState, storyTitleAndText } from "../../newsroom/storyBlocks";
import { storyStats, type StoryStats } from "../../newsroom/storyStats";
import { loadStoredDocument } from "../storyLog/storedDocument";

/** The committed text of a story (what a restart would bring back), as title and body text. */
export async function storedContent(db: Db, articleId: string): Promise<{ title: string; text: string }> {
  const stored = await loadStoredDocument(db, articleId);
  return readStoryState(stored.state, storyTitleAndText);
}

/** The committed text and its statistics (`GET /api/articles/:id`), from one read of the log. */
export async function storedContentAndStats(
  db: Db,
  articleId: string,
): Promise<{ content: { title: string; text: string }; stats: StoryStats }> {
  const stored = await loadStoredDocument(db, articleId);
  return readStoryState(stored.state, (doc) => ({ content: storyTitleAndText(doc), stats: storyStats(doc.getXmlFragment("body")) }));
}
