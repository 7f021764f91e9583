import { formatBylineNames, type BylinePerson } from "./byline";

/** The publishing outlet, as printed in bylines and footers. */
export const OUTLET = "红网";
export const BYLINE_PREFIX = "红网时刻新闻";
export const REPRINT_NOTICE = "本站原创文章,转载请附上原文链接。";

/** "红网时刻新闻记者 姚宇超 通讯员 徐卫香 周汨 长沙报道" */
export function bylineLine(people: readonly BylinePerson[], dateline: string): string {
  return [`${BYLINE_PREFIX}${formatBylineNames(people)}`, dateline.trim()].filter(Boolean).join(" ");
}

/** The footer lines under a published story. */
export function footerLines(people: readonly BylinePerson[], editorName: string | null): string[] {
  return [
    `来源:${OUTLET}`,
    `作者:${people.map((p) => p.name).join(" ")}`,
    ...(editorName ? [`编辑:${editorName}`] : []),
    REPRINT_NOTICE,
  ];
}
