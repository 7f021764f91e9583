import type { PmNode } from "../canonicalContent";
import { WordMatcher } from "./ahoCorasick";
import { capFindings, checkResult, type CheckResult } from "./checkResult";
import { excerptAround, textBlocks } from "./storyText";

/** 敏感词: every lexicon word found in the title or body (the lexicon is the newsroom's own). */
export function sensitiveWordsCheck(title: string, body: PmNode, matcher: WordMatcher): CheckResult {
  const findings = [title, ...textBlocks(body).map((b) => b.text)].flatMap((text) =>
    matcher.find(text).map(({ word, index }) => ({
      message: `含敏感词“${word}”`,
      excerpt: excerptAround(text, index, index + word.length),
    })),
  );
  return checkResult("sensitive_words", "failed", capFindings(findings));
}
