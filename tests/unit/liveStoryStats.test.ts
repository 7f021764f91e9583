import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { LiveStoryStats } from "../../newsroom/liveStoryStats";
import { encodeStoryContent } from "../../newsroom/storyBlocks";
import { storyStats } from "../../newsroom/storyStats";

const PHOTO = "/media/0b6c4a52-5d8e-4f43-9a55-3f7e2f1c9d10";

/** Two copies of one story kept in step the way the editor's are: every update of one applied to the other. */
function twoCopies() {
  const mine = new Y.Doc();
  const colleague = new Y.Doc();
  Y.applyUpdate(
    mine,
    encodeStoryContent({
      title: "标题",
      body: [
        { type: "paragraph", text: "第一段。" },
        { type: "figure", src: null, caption: "待补" },
        { type: "blockquote", text: "引语" },
      ],
    }),
  );
  Y.applyUpdate(colleague, Y.encodeStateAsUpdate(mine));
  colleague.on("update", (update: Uint8Array) => Y.applyUpdate(mine, update, "remote"));
  return { mine, colleague, body: mine.getXmlFragment("body"), theirs: colleague.getXmlFragment("body") };
}

describe("LiveStoryStats", () => {
  it("stays exactly what a full count gives as a colleague types, adds, removes and fills in blocks", () => {
    const { body, theirs } = twoCopies();
    const live = new LiveStoryStats(body);
    const expectExact = (expected: { hanzi: number; characters: number; paragraphs: number; images: number }) => {
      expect(live.current()).toEqual(expected);
      expect(live.current()).toEqual(storyStats(body));
    };
    expectExact({ hanzi: 3 + 2 + 2, characters: 4 + 2 + 2, paragraphs: 2, images: 0 });

    // Typing into a paragraph counted before: only that block changed.
    const firstText = (theirs.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    firstText.insert(3, "和第二句");
    expectExact({ hanzi: 7 + 2 + 2, characters: 8 + 2 + 2, paragraphs: 2, images: 0 });

    // The photo arrives for the waiting caption (an attribute, no text).
    (theirs.get(1) as Y.XmlElement).setAttribute("src", PHOTO);
    expectExact({ hanzi: 7 + 2 + 2, characters: 8 + 2 + 2, paragraphs: 2, images: 1 });

    // Text deep inside a quote (blockquote > paragraph > text) is deleted.
    const quoted = ((theirs.get(2) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    quoted.delete(0, 1);
    expectExact({ hanzi: 7 + 2 + 1, characters: 8 + 2 + 1, paragraphs: 2, images: 1 });

    // A new paragraph, then the first one removed.
    const added = new Y.XmlElement("paragraph");
    added.insert(0, [new Y.XmlText("新段 ab")]);
    theirs.insert(3, [added]);
    expectExact({ hanzi: 7 + 2 + 1 + 2, characters: 8 + 2 + 1 + 4, paragraphs: 3, images: 1 });
    theirs.delete(0, 1);
    expectExact({ hanzi: 2 + 1 + 2, characters: 2 + 1 + 4, paragraphs: 2, images: 1 });

    // After close it no longer follows the body (and a fresh one counts it whole).
    live.close();
    ((theirs.get(2) as Y.XmlElement).get(0) as Y.XmlText).insert(0, "再");
    expect(new LiveStoryStats(body).current()).toEqual(storyStats(body));
  });
});
