import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { encodeStoryContent, fragmentText, storyTitle } from "../../newsroom/storyBlocks";

function docOf(update: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc;
}

describe("encodeStoryContent", () => {
  it("creates the title and body fragments with Tiptap's node names", () => {
    const doc = docOf(
      encodeStoryContent({
        title: "标题",
        body: [
          { type: "paragraph", text: "第一段" },
          { type: "heading", level: 2, text: "小标题" },
          { type: "blockquote", text: "引语" },
        ],
      }),
    );
    expect(storyTitle(doc)).toBe("标题");
    const body = doc.getXmlFragment("body");
    expect(body.toArray().map((n) => (n as Y.XmlElement).nodeName)).toEqual(["paragraph", "heading", "blockquote"]);
    expect((body.get(1) as Y.XmlElement).getAttribute("level")).toBe(2);
    expect(fragmentText(body)).toBe("第一段\n小标题\n引语");
  });

  it("gives an empty story one empty paragraph, so no editor adds its own", () => {
    const doc = docOf(encodeStoryContent({ title: "", body: [] }));
    expect(doc.getXmlFragment("body").length).toBe(1);
    expect(doc.getXmlFragment("title").length).toBe(1);
    expect(fragmentText(doc.getXmlFragment("body"))).toBe("");
  });

  it("two encodings of the same content are different edits (the server must seed once)", () => {
    const a = encodeStoryContent({ title: "同一标题", body: [] });
    const b = encodeStoryContent({ title: "同一标题", body: [] });
    const doc = docOf(a);
    Y.applyUpdate(doc, b);
    expect(doc.getXmlFragment("title").length).toBe(2);
  });
});
