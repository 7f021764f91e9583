import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { guessBlockKind, importedBlocksToStory, parseBylineLine, parsePlainTextStory } from "../../newsroom/plainTextImport";
import { encodeStoryContent } from "../../newsroom/storyBlocks";
import { formatStoryStats, storyStats } from "../../newsroom/storyStats";

const SAMPLE = path.resolve(import.meta.dirname, "../../../shared/fixtures/sample-article.zh.txt");
const sample = fs.existsSync(SAMPLE) ? fs.readFileSync(SAMPLE, "utf8") : null;
if (!sample) console.log(`[skip] ${SAMPLE} not found: the sample-story tests need ../shared/ beside the project`);
const describeSample = sample || process.env.CI_REQUIRE_ALL === "1" ? describe : describe.skip;

describeSample("importing the sample story (../shared/fixtures/sample-article.zh.txt)", () => {
  const story = parsePlainTextStory(sample!);

  it("takes the first line as the title and the byline line apart", () => {
    expect(story.title).toBe("望城区举办“5·10”党员干部廉洁从政教育活动。");
    expect(story.outlet).toBe("红网时刻新闻");
    expect(story.members).toEqual([
      { name: "姚宇超", label: "记者" },
      { name: "徐卫香", label: "通讯员" },
      { name: "周汨", label: "通讯员" },
    ]);
    expect(story.dateline).toBe("长沙报道");
  });

  it("finds the three section headings and the six photo captions, in order", () => {
    expect(story.blocks.filter((b) => b.kind === "heading").map((b) => b.text)).toEqual([
      "以“红”育廉,培根铸魂",
      "以清促廉,干净干事",
      "以行践廉,亲清有为",
    ]);
    expect(story.blocks.filter((b) => b.kind === "caption").map((b) => b.text)).toEqual([
      "望城深入挖掘、创新应用本土红廉文化资源。",
      "湖南雷锋纪念馆。",
      "望城区茶亭镇在泉丰村结合雷锋驿站打造清廉阵地。",
      "建设“清廉大厅”,打造风清气正政务服务环境。",
      "打造“清廉园区”,望城经开区纪检工作人员查看数字监督监管平台。",
      "靖港古镇2.0闪亮开街。",
    ]);
    expect(story.blocks[0]).toEqual({ kind: "paragraph", text: "“510”,谐音“我要廉”。" });
  });

  it("drops the generated footer and keeps every body line", () => {
    expect(story.droppedFooter).toEqual(["来源:红网", "作者:姚宇超 徐卫香 周汨", "编辑:胡红叶", "本站原创文章,转载请附上原文链接。"]);
    const bodyLines = sample!.split("\n").map((l) => l.trim()).filter(Boolean).slice(2, -4);
    expect(story.blocks.map((b) => b.text)).toEqual(bodyLines);
  });

  it("counts the imported story: hanzi by Unicode script, paragraphs without headings and captions, no photos yet", () => {
    const update = encodeStoryContent({ title: story.title, body: importedBlocksToStory(story.blocks) });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, update);
    const stats = storyStats(doc.getXmlFragment("body"));
    const bodyText = story.blocks.map((b) => b.text).join("");
    // An independent count: code points in the CJK Unified Ideographs block (all the sample uses).
    const ideographs = [...bodyText].filter((c) => c.codePointAt(0)! >= 0x4e00 && c.codePointAt(0)! <= 0x9fff).length;
    expect(stats.hanzi).toBe(ideographs);
    expect(stats.characters).toBe(bodyText.replace(/\s/g, "").length);
    expect(stats.paragraphs).toBe(story.blocks.length - 3 - 6);
    expect(stats.images).toBe(0);
    expect(stats.characters).toBeGreaterThan(stats.hanzi);
    console.log(`[figures] sample story: ${formatStoryStats(stats)}, ${stats.characters} characters`);
  });
});

describe("storyStats", () => {
  it("counts ideographs outside the basic block once each, ignores whitespace, and counts only figures with a photo", () => {
    const update = encodeStoryContent({
      title: "标题不计",
      body: [
        { type: "paragraph", text: "𠀀𠀁 ab 12。" },
        { type: "paragraph", text: "   " },
        { type: "heading", level: 2, text: "小标题" },
        { type: "figure", src: "/media/0b6c4a52-5d8e-4f43-9a55-3f7e2f1c9d10", caption: "图注" },
        { type: "figure", src: null, caption: "待补" },
      ],
    });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, update);
    expect(storyStats(doc.getXmlFragment("body"))).toEqual({ hanzi: 2 + 3 + 2 + 2, characters: 7 + 3 + 2 + 2, paragraphs: 1, images: 1 });
    expect(formatStoryStats({ hanzi: 1234, characters: 1500, paragraphs: 12, images: 6 })).toBe("字数 1,234 · 段落 12 · 图片 6");
  });
});

describe("plain-text import rules", () => {
  it("reads bylines with one label, a dateline 电, and refuses a line that names nobody under a label", () => {
    expect(parseBylineLine("新华社记者 张三 李四 北京电")).toEqual({ members: [{ name: "张三", label: "记者" }, { name: "李四", label: "记者" }], dateline: "北京电", outlet: "新华社" });
    expect(parseBylineLine("今天天气很好")).toBeNull();
    expect(parseBylineLine("记者")).toBeNull();
  });

  it("treats a story without a byline as title and body", () => {
    const story = parsePlainTextStory("标题\r\n\r\n第一段很长很长的正文,讲了一件事情,然后又讲了另一件事情,一直讲到这里才结束。\n");
    expect(story).toMatchObject({ title: "标题", members: [], dateline: null, droppedFooter: [] });
    expect(story.blocks).toEqual([{ kind: "paragraph", text: "第一段很长很长的正文,讲了一件事情,然后又讲了另一件事情,一直讲到这里才结束。" }]);
  });

  it("guesses quotations and multi-sentence lines as paragraphs", () => {
    expect(guessBlockKind("“手廉,就是守廉。”")).toBe("paragraph");
    expect(guessBlockKind("天晴了。我们出发。")).toBe("paragraph");
    expect(guessBlockKind("湖南雷锋纪念馆。")).toBe("caption");
    expect(guessBlockKind("全域共建")).toBe("heading");
  });
});
