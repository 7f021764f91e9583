import * as Y from "yjs";
import type { Db } from "../../db/client";
import { fragmentText, storyTitle } from "../../newsroom/storyBlocks";
import { loadStoredDocument } from "../collab/updateLog";

/** The committed text of a story (what a restart would bring back), as title and body text. */
export async function storedContent(db: Db, articleId: string): Promise<{ title: string; text: string }> {
  const stored = await loadStoredDocument(db, articleId);
  const doc = new Y.Doc();
  try {
    if (stored.state) Y.applyUpdate(doc, stored.state);
    return { title: storyTitle(doc), text: fragmentText(doc.getXmlFragment("body")) };
  } finally {
    doc.destroy();
  }
}
