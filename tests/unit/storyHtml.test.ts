import { getSchema } from "@tiptap/core";
import { describe, expect, it } from "vitest";
import { canonicalContent, canonicalJson } from "../../newsroom/canonicalContent";
import { bodyExtensions } from "../../newsroom/editorExtensions";
import { bylineLine, footerLines } from "../../newsroom/publicationFormat";
import { MARK_RENDERERS, NODE_RENDERERS, renderStoryBody } from "../../newsroom/storyHtml";

describe("renderStoryBody", () => {
  it("has a renderer for every node and mark of the editor schema", () => {
    const schema = getSchema(bodyExtensions());
    for (const name of Object.keys(schema.nodes)) {
      if (name === "doc") continue;
      expect(NODE_RENDERERS, `node ${name}`).toHaveProperty(name);
    }
    for (const name of Object.keys(schema.marks)) expect(MARK_RENDERERS, `mark ${name}`).toHaveProperty(name);
  });

  it("renders headings, captions and links, escaping text", () => {
    const html = renderStoryBody({
      type: "doc",
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "以“红”育廉,培根铸魂" }] },
        { type: "figure", attrs: { src: "/media/0b6c4a52-5d8e-4f43-9a55-3f7e2f1c9d10", width: 1200, height: 800, credit: "姚宇超", alt: "纪念馆正门" }, content: [{ type: "text", text: "湖南雷锋纪念馆。" }] },
        { type: "figure", attrs: { src: "https://img.example/a.jpg" }, content: [{ type: "text", text: "远程图片不显示。" }] },
        {
          type: "paragraph",
          content: [
            { type: "text", text: "<b>", marks: [{ type: "bold" }] },
            { type: "text", text: "红网", marks: [{ type: "link", attrs: { href: "https://www.rednet.cn" } }] },
          ],
        },
      ],
    });
    expect(html).toContain("<h2>以“红”育廉,培根铸魂</h2>");
    expect(html).toContain(
      '<figure><img src="/media/0b6c4a52-5d8e-4f43-9a55-3f7e2f1c9d10" srcset="/media/0b6c4a52-5d8e-4f43-9a55-3f7e2f1c9d10?w=360 360w, /media/0b6c4a52-5d8e-4f43-9a55-3f7e2f1c9d10?w=720 720w, /media/0b6c4a52-5d8e-4f43-9a55-3f7e2f1c9d10?w=1080 1080w, /media/0b6c4a52-5d8e-4f43-9a55-3f7e2f1c9d10 1200w" sizes="(max-width: 760px) calc(100vw - 40px), 720px" alt="纪念馆正门" width="1200" height="800" loading="lazy"><figcaption>湖南雷锋纪念馆。 <span class="credit">摄影 姚宇超</span></figcaption></figure>',
    );
    expect(html).toContain("<figure><figcaption>远程图片不显示。</figcaption></figure>");
    expect(html).toContain("<strong>&lt;b&gt;</strong>");
    expect(html).toContain('<a href="https://www.rednet.cn" rel="noopener noreferrer nofollow" target="_blank">红网</a>');
  });

  it("offers no srcset for a photo no wider than the narrowest variant, or one without its size", () => {
    const figure = (attrs: Record<string, unknown>) =>
      renderStoryBody({ type: "doc", content: [{ type: "figure", attrs: { src: "/media/0b6c4a52-5d8e-4f43-9a55-3f7e2f1c9d10", ...attrs }, content: [] }] });
    expect(figure({ width: 360, height: 240 })).toContain('<img src="/media/0b6c4a52-5d8e-4f43-9a55-3f7e2f1c9d10" alt="" width="360" height="240" loading="lazy">');
    expect(figure({})).not.toContain("srcset");
    expect(figure({ width: "2000", height: 10 })).not.toContain("srcset");
    expect(figure({ width: 361, height: 10 })).toContain('srcset="/media/0b6c4a52-5d8e-4f43-9a55-3f7e2f1c9d10?w=360 360w, /media/0b6c4a52-5d8e-4f43-9a55-3f7e2f1c9d10 361w"');
  });

  it("drops unsafe links, unknown nodes and attributes, keeping the words", () => {
    const html = renderStoryBody({
      type: "doc",
      content: [
        { type: "paragraph", attrs: { onclick: "x" }, content: [{ type: "text", text: "点我", marks: [{ type: "link", attrs: { href: "javascript:alert(1)" } }] }] },
        { type: "script", content: [{ type: "text", text: "alert(1)" }] },
        { type: "figure", attrs: { src: "data:image/svg+xml,<svg onload=alert(1)>" }, content: [] },
      ],
    });
    expect(html).toBe("<p>点我</p>\nalert(1)\n<figure><figcaption></figcaption></figure>");
  });

  it("shows pending suggestions (修订) as fixed tags for the workbench, and leaves them out for the public", () => {
    const mark = (type: string) => ({ type, attrs: { id: "s1", author: "\"><script>alert(1)</script>", time: 1 } });
    const doc = {
      type: "doc",
      content: [
        {
          type: "paragraph",
          content: [
            { type: "text", text: "长沙" },
            { type: "text", text: "今天", marks: [mark("suggestDelete")] },
            { type: "text", text: "晴，气温二十度" },
            { type: "text", text: "<左右>", marks: [mark("suggestInsert"), { type: "bold" }] },
            { type: "text", text: "。" },
          ],
        },
      ],
    };
    expect(renderStoryBody(doc, { suggestions: "show" })).toBe(
      '<p>长沙<del class="suggest-delete">今天</del>晴，气温二十度<strong><ins class="suggest-insert">&lt;左右&gt;</ins></strong>。</p>',
    );
    expect(renderStoryBody(doc)).toBe("<p>长沙今天晴，气温二十度。</p>");
    expect(renderStoryBody(doc, { suggestions: "hide" })).toBe("<p>长沙今天晴，气温二十度。</p>");
  });
});

describe("publication format", () => {
  const people = [
    { name: "姚宇超", label: "记者" },
    { name: "徐卫香", label: "通讯员" },
    { name: "周汨", label: "通讯员" },
  ];
  it("builds the byline line of the sample story", () => {
    expect(bylineLine(people, "长沙报道")).toBe("红网时刻新闻记者 姚宇超 通讯员 徐卫香 周汨 长沙报道");
  });
  it("builds the footer of the sample story", () => {
    expect(footerLines(people, "胡红叶")).toEqual([
      "来源:红网",
      "作者:姚宇超 徐卫香 周汨",
      "编辑:胡红叶",
      "本站原创文章,转载请附上原文链接。",
    ]);
  });
});

describe("canonical content", () => {
  it("does not depend on key order, and changes with any visible part", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }));
    const base = { title: "t", body: { type: "doc" }, byline: [{ name: "甲", label: "记者" }], dateline: "长沙报道" };
    const variants = [
      { ...base, title: "t2" },
      { ...base, dateline: "岳阳报道" },
      { ...base, byline: [{ name: "甲", label: "通讯员" }] },
      { ...base, body: { type: "doc", content: [] } },
    ];
    for (const v of variants) expect(canonicalContent(v)).not.toBe(canonicalContent(base));
  });
});
