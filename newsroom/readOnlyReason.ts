import { isDesk, isMember, type Actor, type ArticleAccessFacts } from "./actor";

/**
 * Why this person cannot write in this story now, as the page says it (issue 13: the notice
 * used to give no reason). Null when they can write, as far as state and byline go.
 */
export function readOnlyReason(actor: Actor, facts: ArticleAccessFacts): string | null {
  switch (facts.state) {
    case "submitted":
      return isDesk(actor) ? null : "稿件待审，只读";
    case "approved":
      return "已签发，等待发布，只读";
    case "published":
      return "已发布，只读；如需修改，请编辑发起更正";
    case "withdrawn":
      return "已撤稿，只读";
    case "spiked":
      return "已废弃，只读";
    default:
      return isDesk(actor) || isMember(actor, facts) ? null : "你不在这篇稿件的署名中";
  }
}
