import type { Db } from "../../db/client";
import { readStoryState, storyTitleAndText } from "../../newsroom/storyBlocks";
import { loadStoredDocument } from "../storyLog/storedDocument";

/** The committed text of a story (what a restart would bring back), as title and body text. */
export async function storedContent(db: Db, articleId: string): Promise<{ title: string; text: string }> {
  const stored = await loadStoredDocument(db, articleId);
  return readStoryState(stored.state, storyTitleAndText);
}
