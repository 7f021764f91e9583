import "server-only";
import { AlignmentType, Document, HeadingLevel, ImageRun, Packer, Paragraph, TextRun, type ParagraphChild } from "docx";
import type { PmNode, StoryContentSnapshot } from "../../newsroom/canonicalContent";
import { bylineLine } from "../../newsroom/publicationFormat";
import { withoutSuggestions } from "../../newsroom/suggestions";
import type { ExportImage } from "./figureImages";

/** Widest a photo is drawn in the document, in pixels at 96 dpi (an A4 text column). */
const MAX_IMAGE_WIDTH = 600;
const FONT = "宋体";

function runsOf(node: PmNode): ParagraphChild[] {
  const runs: ParagraphChild[] = [];
  const visit = (child: PmNode) => {
    if (child.type === "text") {
      const marks = new Set((child.marks ?? []).map((m) => m.type));
      runs.push(
        new TextRun({
          text: child.text ?? "",
          bold: marks.has("bold"),
          italics: marks.has("italic"),
          strike: marks.has("strike"),
          underline: marks.has("underline") || marks.has("link") ? {} : undefined,
          font: FONT,
        }),
      );
    } else if (child.type === "hardBreak") {
      runs.push(new TextRun({ break: 1 }));
    } else {
      child.content?.forEach(visit);
    }
  };
  node.content?.forEach(visit);
  return runs;
}

function figureParagraphs(node: PmNode, images: ReadonlyMap<string, ExportImage>): Paragraph[] {
  const attrs = node.attrs ?? {};
  const image = typeof attrs.src === "string" ? images.get(attrs.src) : undefined;
  const out: Paragraph[] = [];
  if (image) {
    const width = typeof attrs.width === "number" ? attrs.width : MAX_IMAGE_WIDTH;
    const height = typeof attrs.height === "number" ? attrs.height : Math.round(MAX_IMAGE_WIDTH * 0.66);
    const scale = Math.min(1, MAX_IMAGE_WIDTH / width);
    out.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [
          new ImageRun({
            type: image.type,
            data: image.data,
            transformation: { width: Math.round(width * scale), height: Math.round(height * scale) },
            altText: { name: "图片", description: typeof attrs.alt === "string" ? attrs.alt : "", title: "" },
          }),
        ],
      }),
    );
  } else {
    out.push(new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: "〔待补图片〕", color: "888888", font: FONT })] }));
  }
  const credit = typeof attrs.credit === "string" && attrs.credit.trim() ? ` 摄影 ${attrs.credit.trim()}` : "";
  out.push(
    new Paragraph({
      alignment: AlignmentType.CENTER,
      children: [...runsOf(node), ...(credit ? [new TextRun({ text: credit, color: "666666", font: FONT })] : [])],
    }),
  );
  return out;
}

function blockParagraphs(node: PmNode, images: ReadonlyMap<string, ExportImage>, listPrefix = ""): Paragraph[] {
  switch (node.type) {
    case "paragraph":
      return [new Paragraph({ children: listPrefix ? [new TextRun({ text: listPrefix, font: FONT }), ...runsOf(node)] : runsOf(node), indent: listPrefix ? { left: 360 } : { firstLine: 480 } })];
    case "heading":
      return [new Paragraph({ heading: node.attrs?.level === 3 ? HeadingLevel.HEADING_3 : HeadingLevel.HEADING_2, children: runsOf(node) })];
    case "blockquote":
      return (node.content ?? []).flatMap((child) => blockParagraphs(child, images));
    case "bulletList":
    case "orderedList":
      return (node.content ?? []).flatMap((item, index) =>
        (item.content ?? []).flatMap((child, i) => blockParagraphs(child, images, i === 0 ? (node.type === "bulletList" ? "• " : `${index + 1}. `) : "")),
      );
    case "figure":
      return figureParagraphs(node, images);
    default:
      return node.content ? [new Paragraph({ children: runsOf(node) })] : [];
  }
}

/**
 * A story as a Word document: title, byline line, body (headings, paragraphs, lists, quotes),
 * photos embedded from the database with caption and credit. What the editor sees, for print
 * desks and archives that work in Word.
 */
export async function storyDocx(content: StoryContentSnapshot, images: ReadonlyMap<string, ExportImage>): Promise<Buffer> {
  const document = new Document({
    creator: "红网编辑台",
    title: content.title,
    styles: { default: { document: { run: { font: FONT, size: 24 } } } },
    sections: [
      {
        children: [
          new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [new TextRun({ text: content.title, font: FONT })] }),
          new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: bylineLine(content.byline, content.dateline), color: "555555", font: FONT })] }),
          // Pending insertions (修订) are left out, as on every page outside the workbench.
          ...(withoutSuggestions(content.body).content ?? []).flatMap((node) => blockParagraphs(node, images)),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}
