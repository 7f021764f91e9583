import type { ArticleState } from "./articleStates";
import type { Role } from "./roles";

/**
 * Whether the editor opens in 修订模式 (issue 14): the desk reviewing a submitted story (待审)
 * suggests by default, so the reporters see what the editor would change and decide it in
 * 退回修改. It is a default, not a rule: the toolbar's toggle turns it off, as the desk may
 * edit a submitted story directly (`workflow.ts` `mayEditText`).
 */
export function suggestsByDefault(role: Role | string, state: ArticleState | string): boolean {
  return (role === "editor" || role === "admin") && state === "submitted";
}
