import { describe, expect, it } from "vitest";
import { describeText, renderPublicStory } from "../../newsroom/publicPage";

describe("the public page's head", () => {
  it("describes a story by its first words, folded and cut, with no URL scheme left in it", () => {
    expect(describeText("  湘江边的\n\n社区书屋  ")).toBe("湘江边的 社区书屋");
    expect(describeText("字".repeat(200))).toHaveLength(120);
    expect(describeText("点这里 javascript:alert(1) 上午10:30")).toBe("点这里 javascript：alert(1) 上午10:30");
  });

  it("carries the canonical link, description and og: tags, escaped", () => {
    const html = renderPublicStory({
      title: "标题\"><script>",
      body: { type: "doc", content: [] },
      byline: [],
      dateline: "长沙报道",
      editorName: null,
      publishedAt: "2026年11月27日 21:24",
      correction: null,
      meta: { canonicalUrl: "https://news.example.com/news/x", description: "摘要", siteUrl: "https://news.example.com", title: "标题\"><script>" },
    });
    expect(html).toContain('<link rel="canonical" href="https://news.example.com/news/x">');
    expect(html).toContain('<meta name="description" content="摘要">');
    expect(html).toContain('<meta property="og:title" content="标题&quot;&gt;&lt;script&gt;">');
    expect(html).not.toContain("<script>");
  });
});
