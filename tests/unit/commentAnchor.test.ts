import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { anchoredText, anchorInText, decodeAnchorEnd, resolveTextAnchor } from "../../newsroom/commentAnchor";
import { mentionedPeople } from "../../newsroom/mentions";

/** A document with one body paragraph holding `text`, and that paragraph's text. */
function story(text: string): { doc: Y.Doc; paragraph: Y.XmlElement; body: Y.XmlText } {
  const doc = new Y.Doc();
  const paragraph = new Y.XmlElement("paragraph");
  const body = new Y.XmlText(text);
  paragraph.insert(0, [body]);
  doc.getXmlFragment("body").insert(0, [paragraph]);
  return { doc, paragraph, body };
}

describe("comment anchors", () => {
  it("move with inserts before and inside, and leave out text typed right after", () => {
    const { doc, body } = story("长沙市今天举办读书会");
    const anchor = anchorInText(body, 3, 5); // 今天
    body.insert(0, "湖南");
    body.insert(6, "下午"); // between 今 and 天, inside the range
    body.insert(body.toString().indexOf("天") + 1, "起");
    expect(anchoredText(doc, anchor)).toBe("今下午天");
    // Another replica that receives the same updates resolves the same range.
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    expect(anchoredText(other, anchor)).toBe("今下午天");
  });

  it("is deleted when its text is gone or its paragraph removed, and keeps what is left otherwise", () => {
    const { doc, body } = story("一二三四五");
    const anchor = anchorInText(body, 1, 4); // 二三四
    body.delete(2, 1);
    expect(anchoredText(doc, anchor)).toBe("二四");
    body.delete(1, 2);
    expect(resolveTextAnchor(doc, anchor)).toEqual({ deleted: true });
    const second = story("段落");
    const whole = anchorInText(second.body, 0, 2);
    second.doc.getXmlFragment("body").delete(0, 1);
    expect(resolveTextAnchor(second.doc, whole)).toEqual({ deleted: true });
  });

  it("refuses what is not a relative position", () => {
    expect(decodeAnchorEnd("")).toBeNull();
    expect(decodeAnchorEnd("!!!")).toBeNull();
    expect(decodeAnchorEnd("A".repeat(400))).toBeNull();
    expect(decodeAnchorEnd(anchorInText(story("字").body, 0, 1).start)).not.toBeNull();
  });
});

describe("mentions", () => {
  it("finds people by username or display name, once each, and ignores unknown names", () => {
    const people = [
      { id: "1", username: "huhongye", displayName: "胡红叶" },
      { id: "2", username: "yaoyuchao", displayName: "姚宇超" },
    ];
    expect(mentionedPeople("@胡红叶,请看;@yaoyuchao 和 @胡红叶 @nobody", people)).toEqual(["1", "2"]);
    expect(mentionedPeople("没有提及 a@b", people)).toEqual([]);
  });
});
