import * as Y from "yjs";
import { isMediaSrc } from "./mediaUrl";
import { nodeText as textOf, type XmlNode } from "./storyBlocks";

/** The counts a desk asks of a story: 中文字数 and the rest (DESIGN.md §5 `stats`). */
export interface StoryStats {
  /** CJK ideographs (汉字), the newsroom's 字数. */
  hanzi: number;
  /** Every character that is not whitespace: hanzi, punctuation, Latin letters, digits. */
  characters: number;
  /** Paragraphs with text (in lists and quotes too); headings and captions are not paragraphs. */
  paragraphs: number;
  /** Photos: figures with a picture (a caption still waiting for its photo is not one). */
  images: number;
}

/**
 * Counted with Unicode properties, not by splitting on spaces (Chinese has none): `Script=Han`
 * is every ideograph in every CJK block (extensions included), and `\S` counts code points,
 * so a character outside the BMP counts once.
 */
const HAN = /\p{Script=Han}/gu;
const NOT_SPACE = /\S/gu;

const countOf = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

/** Nothing counted yet. */
export const NO_STATS: StoryStats = Object.freeze({ hanzi: 0, characters: 0, paragraphs: 0, images: 0 });

/** The statistics of one node of a story body (a top-level block and everything in it). */
export function blockStats(node: XmlNode): StoryStats {
  const stats: StoryStats = { ...NO_STATS };
  const visit = (node: XmlNode) => {
    if (node instanceof Y.XmlText) {
      const text = textOf(node);
      stats.hanzi += countOf(text, HAN);
      stats.characters += countOf(text, NOT_SPACE);
      return;
    }
    if (!(node instanceof Y.XmlElement)) return;
    if (node.nodeName === "paragraph" && countOf(textOf(node), NOT_SPACE) > 0) stats.paragraphs += 1;
    if (node.nodeName === "figure" && isMediaSrc(node.getAttribute("src"))) stats.images += 1;
    node.toArray().forEach((child) => visit(child as XmlNode));
  };
  visit(node);
  return stats;
}

/** `a` + `b`, field by field. */
export function addStats(a: StoryStats, b: StoryStats): StoryStats {
  return { hanzi: a.hanzi + b.hanzi, characters: a.characters + b.characters, paragraphs: a.paragraphs + b.paragraphs, images: a.images + b.images };
}

export function sameStats(a: StoryStats, b: StoryStats): boolean {
  return a.hanzi === b.hanzi && a.characters === b.characters && a.paragraphs === b.paragraphs && a.images === b.images;
}

/**
 * The statistics of a story body (the live `body` fragment, or one read from a stored state).
 * Linear in the text; the editor keeps them current with `LiveStoryStats` (liveStoryStats.ts),
 * which counts again only the blocks that changed.
 */
export function storyStats(body: Y.XmlFragment): StoryStats {
  return body.toArray().reduce((sum, child) => addStats(sum, blockStats(child as XmlNode)), NO_STATS);
}

/** One formatter for every count: `toLocaleString` builds a new one per call (~ms each). */
const GROUPED = new Intl.NumberFormat("en-US");

/** "字数 1,234 · 段落 12 · 图片 6" as the editor shows it. */
export function formatStoryStats(stats: StoryStats): string {
  const n = (value: number) => GROUPED.format(value);
  return `字数 ${n(stats.hanzi)} · 段落 ${n(stats.paragraphs)} · 图片 ${n(stats.images)}`;
}
