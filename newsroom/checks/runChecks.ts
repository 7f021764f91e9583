import type { PmNode } from "../canonicalContent";
import { WordMatcher } from "./ahoCorasick";
import { characterCountCheck } from "./characterCount";
import type { CheckResult } from "./checkResult";
import { emptyParagraphsCheck } from "./emptyParagraphs";
import { headlineCheck } from "./headline";
import { photoCaptionsCheck } from "./photoCaptions";
import { punctuationCheck } from "./punctuation";
import { sensitiveWordsCheck } from "./sensitiveWords";

/** What the checks look at: the story's title and its body as ProseMirror JSON. */
export interface CheckedContent {
  title: string;
  body: PmNode;
}

/** The newsroom's settings the checks apply. */
export interface CheckSettings {
  /** The sensitive-word lexicon, or a matcher built from it once. */
  lexicon: readonly string[] | WordMatcher;
  maxBodyCharacters: number;
  maxHeadlineCharacters: number;
}

/** Every machine check over one version of a story, in the order the panel shows them. */
export function runChecks(content: CheckedContent, settings: CheckSettings): CheckResult[] {
  const matcher = settings.lexicon instanceof WordMatcher ? settings.lexicon : new WordMatcher(settings.lexicon);
  return [
    sensitiveWordsCheck(content.title, content.body, matcher),
    characterCountCheck(content.body, settings.maxBodyCharacters),
    photoCaptionsCheck(content.body),
    headlineCheck(content.title, settings.maxHeadlineCharacters),
    punctuationCheck(content.title, content.body),
    emptyParagraphsCheck(content.body),
  ];
}
