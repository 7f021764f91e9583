import { describe, expect, it } from "vitest";
import type { PmNode } from "../../newsroom/canonicalContent";
import { WordMatcher } from "../../newsroom/checks/ahoCorasick";
import { runChecks, type CheckSettings } from "../../newsroom/checks/runChecks";
import type { CheckId } from "../../newsroom/checks/checkResult";

const paragraph = (text: string): PmNode => ({ type: "paragraph", content: text ? [{ type: "text", text }] : [] });
const doc = (...content: PmNode[]): PmNode => ({ type: "doc", content });
const settings: CheckSettings = { lexicon: ["违禁词", "禁词", "赌博"], maxBodyCharacters: 20, maxHeadlineCharacters: 10 };
const verdict = (title: string, body: PmNode, id: CheckId, overrides: Partial<CheckSettings> = {}) =>
  runChecks({ title, body }, { ...settings, ...overrides }).find((r) => r.id === id)!;

describe("WordMatcher (Aho–Corasick)", () => {
  it("finds every word, overlapping ones and repeats included, at their places", () => {
    const matcher = new WordMatcher(["he", "she", "his", "hers"]);
    expect(matcher.find("ushers")).toEqual([
      { word: "she", index: 1 },
      { word: "he", index: 2 },
      { word: "hers", index: 2 },
    ]);
    expect(new WordMatcher(["违禁词", "禁词"]).find("这是违禁词和禁词")).toEqual([
      { word: "违禁词", index: 2 },
      { word: "禁词", index: 3 },
      { word: "禁词", index: 6 },
    ]);
    expect(new WordMatcher([]).find("什么都没有")).toEqual([]);
  });
});

describe("machine checks", () => {
  it("sensitive words: fails on a lexicon word in the title or body, with where it is", () => {
    const failed = verdict("网络赌博调查", doc(paragraph("正文提到违禁词。")), "sensitive_words");
    expect(failed.status).toBe("failed");
    expect(failed.findings.map((f) => f.message)).toEqual(["含敏感词“赌博”", "含敏感词“违禁词”", "含敏感词“禁词”"]);
    expect(failed.findings[1].excerpt).toContain("违禁词");
    expect(verdict("干净的标题", doc(paragraph("干净的正文。")), "sensitive_words").status).toBe("passed");
    expect(verdict("网络赌博", doc(), "sensitive_words", { lexicon: [] }).status).toBe("passed");
  });

  it("character count: fails past the limit, whitespace not counted", () => {
    expect(verdict("标题", doc(paragraph("一二三四五 六七八九十"), paragraph("一二三四五六七八九十")), "character_count").status).toBe("passed");
    const over = verdict("标题", doc(paragraph("一二三四五六七八九十"), paragraph("一二三四五六七八九十一")), "character_count");
    expect(over).toMatchObject({ status: "failed", findings: [{ message: "正文 21 字，超过上限 20 字" }] });
  });

  it("photo captions: a figure or image without a caption fails, however the caption is held", () => {
    const ours = (caption: string): PmNode => ({ type: "figure", attrs: { src: "https://x/1.jpg" }, content: caption ? [{ type: "text", text: caption }] : [] });
    expect(verdict("t", doc(ours("湖南雷锋纪念馆。")), "photo_captions").status).toBe("passed");
    const missing = verdict("t", doc(ours("湖南雷锋纪念馆。"), ours("")), "photo_captions");
    expect(missing).toMatchObject({ status: "failed", findings: [{ message: "第 2 张图片没有图片说明", excerpt: "https://x/1.jpg" }] });
    // A figure from elsewhere: an image child and a figcaption child, or a caption attribute.
    const image: PmNode = { type: "image", attrs: { src: "https://x/2.jpg" } };
    const withChild: PmNode = { type: "figure", content: [image, { type: "figcaption", content: [{ type: "text", text: "现场" }] }] };
    const withAttr: PmNode = { type: "figure", attrs: { caption: "现场" }, content: [image] };
    const emptyChild: PmNode = { type: "figure", content: [image, { type: "figcaption", content: [] }] };
    expect(verdict("t", doc(withChild, withAttr), "photo_captions").status).toBe("passed");
    expect(verdict("t", doc(emptyChild), "photo_captions").findings).toHaveLength(1);
    // A bare image: captioned only by its attribute.
    expect(verdict("t", doc(image), "photo_captions").status).toBe("failed");
    expect(verdict("t", doc({ type: "image", attrs: { src: "a", caption: "图" } }), "photo_captions").status).toBe("passed");
  });

  it("punctuation: half-width marks against Chinese warn; decimals and addresses do not", () => {
    const mixed = verdict("标题", doc(paragraph("长沙,雷锋纪念馆(望城)开放!")), "punctuation");
    expect(mixed.status).toBe("warning");
    expect(mixed.findings.map((f) => f.message)).toEqual([
      "中文中使用了半角标点“,”",
      "中文中使用了半角标点“(”",
      "中文中使用了半角标点“)”",
      "中文中使用了半角标点“!”",
    ]);
    expect(verdict("标题", doc(paragraph("增长3.5%,见 www.example.com。")), "punctuation").status).toBe("warning");
    expect(verdict("标题", doc(paragraph("增长3.5%，见 www.example.com。")), "punctuation").status).toBe("passed");
  });

  it("empty paragraphs: blank ones between text warn; the one the cursor waits in does not", () => {
    expect(verdict("t", doc(paragraph("一"), paragraph(""), paragraph("  "), paragraph("二")), "empty_paragraphs")).toMatchObject({
      status: "warning",
      findings: [{ message: "有 2 个空段落" }],
    });
    expect(verdict("t", doc(paragraph("一"), paragraph("")), "empty_paragraphs").status).toBe("passed");
    expect(verdict("t", doc(paragraph("")), "empty_paragraphs").status).toBe("passed");
  });

  it("headline: too long fails, missing warns", () => {
    expect(verdict("一二三四五六七八九十", doc(), "headline").status).toBe("passed");
    expect(verdict("一二三四五六七八九十一", doc(), "headline")).toMatchObject({ status: "failed", findings: [{ message: "标题 11 字，超过上限 10 字" }] });
    expect(verdict("", doc(), "headline").status).toBe("warning");
  });

  it("a clean story passes every check", () => {
    const results = runChecks({ title: "望城开展教育活动", body: doc(paragraph("红网时刻新闻记者报道。")) }, settings);
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ["sensitive_words", "passed"],
      ["character_count", "passed"],
      ["photo_captions", "passed"],
      ["headline", "passed"],
      ["punctuation", "passed"],
      ["empty_paragraphs", "passed"],
    ]);
  });
});
