import type { PmNode } from "../canonicalContent";
import { checkResult, type CheckResult } from "./checkResult";
import { countedCharacters, textBlocks } from "./storyText";

/** 字数: the body's characters (whitespace not counted) within the newsroom's limit. */
export function characterCountCheck(body: PmNode, maxCharacters: number): CheckResult {
  const count = textBlocks(body).reduce((sum, block) => sum + countedCharacters(block.text), 0);
  const findings = count > maxCharacters ? [{ message: `正文 ${count} 字，超过上限 ${maxCharacters} 字` }] : [];
  return checkResult("character_count", "failed", findings);
}
