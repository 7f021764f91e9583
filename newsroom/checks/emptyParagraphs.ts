import type { PmNode } from "../canonicalContent";
import { checkResult, type CheckResult } from "./checkResult";
import { textBlocks } from "./storyText";

/**
 * 空段落: paragraphs with nothing but whitespace between others (a warning). A single empty
 * last paragraph, where the cursor waits for the next one, is not counted.
 */
export function emptyParagraphsCheck(body: PmNode): CheckResult {
  const blocks = textBlocks(body);
  const last = blocks.length - 1;
  const empty = blocks.filter((b, i) => b.type === "paragraph" && b.text.trim() === "" && !(i === last && i > 0));
  const findings = empty.length > 0 && blocks.length > 1 ? [{ message: `有 ${empty.length} 个空段落` }] : [];
  return checkResult("empty_paragraphs", "warning", findings);
}
