import { describe, expect, it } from "vitest";
import { renderAtomFeed } from "../../newsroom/atomFeed";
import { hasControlCharacter, xmlSafe } from "../../newsroom/xmlChars";

describe("characters XML 1.0 cannot carry", () => {
  it("are dropped from the feed, so a control character in a level name never breaks it", () => {
    const at = new Date("2026-11-27T13:24:00Z");
    const feed = renderAtomFeed("https://news.example", [
      {
        url: "https://news.example/news/a",
        title: "标题\u0001",
        summary: "摘要\uFFFF",
        publishedAt: at,
        updatedAt: at,
        authors: ["胡红叶"],
        receipt: { contentHash: "0".repeat(64), signers: [{ level: "初审\u0008\u001b", name: "胡红叶\uD800" }], auditHead: null },
      },
    ]);
    expect(feed).toContain(`<r:signer level="初审" name="胡红叶"/>`);
    expect(feed).toContain("<title>标题</title>");
    expect(feed).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\uFFFE\uFFFF]/);
  });

  it("keep tab, line feed, carriage return and characters beyond the BMP", () => {
    expect(xmlSafe("a\tb\nc\rd😀")).toBe("a\tb\nc\rd😀");
    expect(hasControlCharacter("初审")).toBe(false);
    expect(hasControlCharacter("初\u0000审")).toBe(true);
    expect(hasControlCharacter("初\u0085审")).toBe(true);
  });
});
