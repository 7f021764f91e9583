import type { BylinePerson } from "./byline";
import type { StoryBlock } from "./storyBlocks";

/** What a line of an imported story is taken to be; the reporter can change each on review. */
export type ImportedBlockKind = "paragraph" | "heading" | "caption";

export interface ImportedBlock {
  kind: ImportedBlockKind;
  text: string;
}

/** A finished plain-text story taken apart (the shape of `../shared/fixtures/sample-article.zh.txt`). */
export interface ImportedStory {
  title: string;
  /** The people of the byline line, in its order, with their labels (记者, 通讯员…). */
  members: BylinePerson[];
  /** The place line that ends the byline ("长沙报道"), or null when the story has none. */
  dateline: string | null;
  /** What stood before the first label ("红网时刻新闻"): the outlet, not a person. */
  outlet: string | null;
  blocks: ImportedBlock[];
  /** The footer lines left out: the site generates 来源/作者/编辑 and the reprint notice itself. */
  droppedFooter: string[];
}

/** Byline labels, longest first so "摄影记者" is not read as "记者". */
const LABELS = ["实习记者", "特约记者", "摄影记者", "全媒体记者", "通讯员", "实习生", "记者", "摄影"];
/** How a dateline ends: "长沙报道", "北京电". */
const DATELINE = /(报道|电|讯)$/;
/** Footer lines the site writes itself. */
const FOOTER_LINE = /^(来源|作者|编辑|责编|责任编辑|审核|校对|监制)\s*[::]/;
const NOTICE_LINE = /(转载|原创文章|版权)/;
/** Sentence ends: a line ending in one is a sentence, not a heading. */
const SENTENCE_END = /[。!?!?…;;::”"’)」』]$/;

/** Longest heading (小标题) and caption (图注), in characters; longer lines are paragraphs. */
const MAX_HEADING_LENGTH = 24;
const MAX_CAPTION_LENGTH = 32;

/**
 * Parses a byline line ("红网时刻新闻记者 姚宇超 通讯员 徐卫香 周汨 长沙报道"): each label
 * names the people after it, a last part ending in 报道/电 is the dateline, and anything glued
 * before the first label is the outlet. Returns null when the line names nobody under a label.
 */
export function parseBylineLine(line: string): Pick<ImportedStory, "members" | "dateline" | "outlet"> | null {
  const parts = line.trim().split(/\s+/);
  const members: BylinePerson[] = [];
  let label: string | null = null;
  let outlet: string | null = null;
  let dateline: string | null = null;
  for (const [index, part] of parts.entries()) {
    const labelHere = LABELS.find((l) => part.endsWith(l));
    if (labelHere) {
      if (members.length === 0 && label === null && part.length > labelHere.length) outlet = part.slice(0, -labelHere.length);
      label = labelHere;
      continue;
    }
    if (index === parts.length - 1 && DATELINE.test(part) && members.length > 0) {
      dateline = part;
      continue;
    }
    if (label === null) return null; // a name before any label: not a byline
    members.push({ name: part, label });
  }
  return members.length > 0 ? { members, dateline, outlet } : null;
}

const lengthOf = (text: string) => [...text].length;

/**
 * Guesses what one body line is. A short line without closing punctuation is a section heading
 * ("以“红”育廉,培根铸魂"); a short single sentence that is not a quotation is a photo caption
 * ("湖南雷锋纪念馆。"); everything else is a paragraph.
 */
export function guessBlockKind(line: string): ImportedBlockKind {
  const length = lengthOf(line);
  if (length <= MAX_HEADING_LENGTH && !SENTENCE_END.test(line)) return "heading";
  const sentences = line.split(/[。!?!?]/).filter((part) => part.trim() !== "").length;
  const quotation = /^[“"「『]/.test(line);
  if (length <= MAX_CAPTION_LENGTH && /[。.]$/.test(line) && sentences === 1 && !quotation) return "caption";
  return "paragraph";
}

/** Where the generated footer starts: the first 来源/作者/编辑 line after which only footer follows. */
function footerStart(lines: readonly string[]): number {
  let start = lines.length;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (FOOTER_LINE.test(lines[i]) || (NOTICE_LINE.test(lines[i]) && lengthOf(lines[i]) <= 40)) start = i;
    else break;
  }
  return start;
}

/**
 * Takes a finished plain-text story apart into a draft: the first line is the title, a byline
 * line right after it gives members, labels and dateline, the body lines become paragraphs,
 * headings and captions, and the footer is dropped. Pure: the review page shows the result and
 * the reporter corrects any guess before the story is created.
 */
export function parsePlainTextStory(text: string): ImportedStory {
  const lines = text
    .replace(/^\uFEFF/, "")
    .split(/\r\n|\r|\n/)
    .map((line) => line.replace(/[\s\u3000]+$/u, "").replace(/^[\s\u3000]+/u, ""))
    .filter((line) => line !== "");
  const title = lines.shift() ?? "";
  const byline = lines.length > 0 ? parseBylineLine(lines[0]) : null;
  if (byline) lines.shift();
  const footerAt = footerStart(lines);
  const droppedFooter = lines.splice(footerAt);
  return {
    title,
    members: byline?.members ?? [],
    dateline: byline?.dateline ?? null,
    outlet: byline?.outlet ?? null,
    blocks: lines.map((line) => ({ kind: guessBlockKind(line), text: line })),
    droppedFooter,
  };
}

/** The reviewed blocks as the live document's first content: captions become figures waiting for their photos. */
export function importedBlocksToStory(blocks: readonly ImportedBlock[]): StoryBlock[] {
  return blocks.map((block): StoryBlock => {
    switch (block.kind) {
      case "heading":
        return { type: "heading", level: 2, text: block.text };
      case "caption":
        return { type: "figure", src: null, caption: block.text };
      case "paragraph":
        return { type: "paragraph", text: block.text };
    }
  });
}
