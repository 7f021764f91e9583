import "server-only";
import { z } from "zod";
import type { StoryBlock } from "../../newsroom/storyBlocks";

/** Longest block of an imported story, in characters (a very long paragraph, not a book). */
export const MAX_IMPORTED_BLOCK_LENGTH = 10_000;
/** Most blocks an imported story may have. */
export const MAX_IMPORTED_BLOCKS = 2_000;

const blockText = z.string({ error: "段落内容必须是文本" }).max(MAX_IMPORTED_BLOCK_LENGTH, { error: `单个段落不能超过 ${MAX_IMPORTED_BLOCK_LENGTH} 个字符` });

/**
 * The first content an imported story may start with: paragraphs, headings and figures waiting
 * for their photos (an import never brings pictures: they are uploaded in the editor).
 */
export const initialBodySchema = z
  .array(
    z.discriminatedUnion("type", [
      z.object({ type: z.literal("paragraph"), text: blockText }),
      z.object({ type: z.literal("heading"), level: z.union([z.literal(2), z.literal(3)]), text: blockText }),
      z.object({ type: z.literal("figure"), src: z.null(), caption: blockText }),
    ]),
    { error: "正文格式不正确" },
  )
  .max(MAX_IMPORTED_BLOCKS, { error: `正文不能超过 ${MAX_IMPORTED_BLOCKS} 段` });

/** The stored `articles.initial_body` as blocks; anything unreadable is no first content at all. */
export function initialBodyBlocks(stored: unknown): StoryBlock[] {
  const parsed = initialBodySchema.safeParse(stored);
  return parsed.success ? parsed.data : [];
}
