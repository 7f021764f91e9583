/** The states of a story's life (DESIGN.md §4). */
export const ARTICLE_STATES = [
  "draft",
  "submitted",
  "changes_requested",
  "approved",
  "published",
  "correcting",
  "withdrawn",
  "spiked",
] as const;
export type ArticleState = (typeof ARTICLE_STATES)[number];

/** What the desk calls each state, shown on the dashboard and the article page. */
export const ARTICLE_STATE_NAMES_ZH: Record<ArticleState, string> = {
  draft: "草稿",
  submitted: "待审",
  changes_requested: "退回修改",
  approved: "已签发",
  published: "已发布",
  correcting: "更正中",
  withdrawn: "已撤稿",
  spiked: "废稿",
};

export function isArticleState(value: unknown): value is ArticleState {
  return typeof value === "string" && (ARTICLE_STATES as readonly string[]).includes(value);
}
