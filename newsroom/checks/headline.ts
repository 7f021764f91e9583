import { checkResult, type CheckResult } from "./checkResult";
import { countedCharacters } from "./storyText";

/** 标题长度: a title too long for the page fails; a missing title is a warning. */
export function headlineCheck(title: string, maxCharacters: number): CheckResult {
  const count = countedCharacters(title);
  if (count > maxCharacters) {
    return checkResult("headline", "failed", [{ message: `标题 ${count} 字，超过上限 ${maxCharacters} 字`, excerpt: title }]);
  }
  return checkResult("headline", "warning", count === 0 ? [{ message: "还没有标题" }] : []);
}
