/** The machine checks run before 签发 (issue 14), each a pure function over the story content. */
export const CHECK_IDS = [
  "sensitive_words",
  "character_count",
  "photo_captions",
  "punctuation",
  "empty_paragraphs",
  "headline",
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export const CHECK_NAMES_ZH: Record<CheckId, string> = {
  sensitive_words: "敏感词",
  character_count: "字数",
  photo_captions: "图片说明",
  punctuation: "标点全半角",
  empty_paragraphs: "空段落",
  headline: "标题长度",
};

/** One thing a check found, with a short piece of the text around it. */
export interface CheckFinding {
  message: string;
  excerpt?: string;
}

/**
 * A check's verdict. `failed` blocks 签发 unless an editor overrides it; `warning` is shown
 * but does not block; `passed` found nothing.
 */
export interface CheckResult {
  id: CheckId;
  name: string;
  status: "passed" | "warning" | "failed";
  findings: CheckFinding[];
}

export const isCheckId = (value: string): value is CheckId => (CHECK_IDS as readonly string[]).includes(value);

/** A result with the name filled in from its id. */
export function checkResult(id: CheckId, status: CheckResult["status"], findings: CheckFinding[] = []): CheckResult {
  return { id, name: CHECK_NAMES_ZH[id], status: findings.length === 0 ? "passed" : status, findings };
}

/** Most findings one check reports (the first ones; the count says how many there were). */
export const MAX_FINDINGS = 20;

/** Keeps the first MAX_FINDINGS findings, and says how many more there were. */
export function capFindings(findings: CheckFinding[]): CheckFinding[] {
  if (findings.length <= MAX_FINDINGS) return findings;
  return [...findings.slice(0, MAX_FINDINGS), { message: `另有 ${findings.length - MAX_FINDINGS} 处` }];
}
