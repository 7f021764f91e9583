import type { PmNode } from "../canonicalContent";
import { capFindings, checkResult, type CheckFinding, type CheckResult } from "./checkResult";
import { excerptAround, textBlocks } from "./storyText";

const HAN = /\p{Script=Han}/u;
/** Half-width punctuation that Chinese text writes full-width (，。；：！？（）). */
const HALF_WIDTH = new Set([",", ";", ":", "!", "?", "(", ")", "."]);

/**
 * A half-width mark written against Chinese: a Han character on either side. A full stop
 * between digits (3.5) or inside Latin text (www.example.com) is not one.
 */
function mixedMarks(text: string): number[] {
  const chars = [...text];
  const found: number[] = [];
  let index = 0;
  chars.forEach((char, i) => {
    if (HALF_WIDTH.has(char) && (HAN.test(chars[i - 1] ?? "") || HAN.test(chars[i + 1] ?? ""))) found.push(index);
    index += char.length;
  });
  return found;
}

/** 标点全半角: half-width punctuation mixed into Chinese sentences (a warning: it does not block). */
export function punctuationCheck(title: string, body: PmNode): CheckResult {
  const findings: CheckFinding[] = [title, ...textBlocks(body).map((b) => b.text)].flatMap((text) =>
    mixedMarks(text).map((at) => ({ message: `中文中使用了半角标点“${text[at]}”`, excerpt: excerptAround(text, at, at + 1) })),
  );
  return checkResult("punctuation", "warning", capFindings(findings));
}
