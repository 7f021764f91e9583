import type { ArticleState } from "./articleStates";
import { isDesk, isMember, type Actor, type ArticleAccessFacts } from "./actor";

/** Workflow actions (DESIGN.md §5 `POST /api/articles/:id/transitions`). */
export const WORKFLOW_ACTIONS = [
  "submit",
  "request_changes",
  "approve",
  "publish",
  "withdraw",
  "correct",
  "spike",
] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

export const ACTION_NAMES_ZH: Record<WorkflowAction, string> = {
  submit: "提交审核",
  request_changes: "退回修改",
  approve: "签发",
  publish: "发布",
  withdraw: "撤稿",
  correct: "发起更正",
  spike: "废弃",
};

type Party = "member" | "editor";

interface TransitionRule {
  from: readonly ArticleState[];
  to: ArticleState;
  /** Who may take the action (admins may do whatever editors may). */
  by: readonly Party[];
  /** A note is required (the reporters or readers need to know why). */
  needsNote?: boolean;
}

/**
 * The one table of who may do what in which state (DESIGN.md §4). The UI offers exactly the
 * actions `availableActions` returns; every server entry point calls `decideTransition`.
 * `request_changes` from `approved` is how an editor reopens an approved story.
 */
export const TRANSITIONS: Record<WorkflowAction, TransitionRule> = {
  submit: { from: ["draft", "changes_requested", "correcting"], to: "submitted", by: ["member", "editor"] },
  request_changes: { from: ["submitted", "approved"], to: "changes_requested", by: ["editor"], needsNote: true },
  approve: { from: ["submitted"], to: "approved", by: ["editor"] },
  // From `withdrawn`: the desk republishes the still-pinned approved version (issue 13).
  publish: { from: ["approved", "withdrawn"], to: "published", by: ["editor"] },
  withdraw: { from: ["published"], to: "withdrawn", by: ["editor"] },
  correct: { from: ["published"], to: "correcting", by: ["editor"], needsNote: true },
  spike: { from: ["draft"], to: "spiked", by: ["editor"] },
};

/** States whose text is being written: members (and the desk) may edit. */
const WRITING_STATES: readonly ArticleState[] = ["draft", "changes_requested", "correcting"];

function actsAs(actor: Actor, article: ArticleAccessFacts, parties: readonly Party[]): boolean {
  return (parties.includes("editor") && isDesk(actor)) || (parties.includes("member") && isMember(actor, article));
}

export type TransitionDecision =
  | { ok: true; to: ArticleState }
  | { ok: false; reason: "forbidden" | "invalid_state" | "note_required" };

/**
 * Decides an action. Refusals: `forbidden` (403) when this person may not take the action,
 * `invalid_state` (409) when nobody may take it from the current state, `note_required` (400).
 */
export function decideTransition(
  actor: Actor,
  article: ArticleAccessFacts,
  action: WorkflowAction,
  note?: string | null,
): TransitionDecision {
  const rule = TRANSITIONS[action];
  if (!actsAs(actor, article, rule.by)) return { ok: false, reason: "forbidden" };
  if (!rule.from.includes(article.state)) return { ok: false, reason: "invalid_state" };
  if (rule.needsNote && !note?.trim()) return { ok: false, reason: "note_required" };
  return { ok: true, to: rule.to };
}

/** The actions this person may take now (what the article page offers). */
export function availableActions(actor: Actor, article: ArticleAccessFacts): WorkflowAction[] {
  return WORKFLOW_ACTIONS.filter((action) => {
    const rule = TRANSITIONS[action];
    return rule.from.includes(article.state) && actsAs(actor, article, rule.by);
  });
}

/**
 * Who may change the text now. Members and the desk while the story is being written; only the
 * desk while it is under review; nobody once approved (frozen until published or reopened) or
 * after. A reporter who is not on the byline never writes.
 */
export function mayEditText(actor: Actor, article: ArticleAccessFacts): boolean {
  if (WRITING_STATES.includes(article.state)) return isDesk(actor) || isMember(actor, article);
  if (article.state === "submitted") return isDesk(actor);
  return false;
}

/** The byline may change while the text may (it is part of the approved content). */
export function mayChangeByline(actor: Actor, article: ArticleAccessFacts): boolean {
  return isDesk(actor) && (WRITING_STATES.includes(article.state) || article.state === "submitted");
}

/** The reporter who started the story, still on its byline. */
export function isCreatingReporter(actor: Actor, article: ArticleAccessFacts): boolean {
  return isMember(actor, article) && article.createdBy != null && article.createdBy === actor.id;
}

/**
 * Who may add colleagues to the byline and put it in order: the desk (whenever it may change
 * the byline) and the reporter who started the story, while it is being written. Taking
 * someone off stays the desk's (`mayChangeByline`).
 */
export function mayArrangeByline(actor: Actor, article: ArticleAccessFacts): boolean {
  return mayChangeByline(actor, article) || (WRITING_STATES.includes(article.state) && isCreatingReporter(actor, article));
}

/** A reporter not on the byline may ask to join while the story is being written. */
export function mayAskToJoin(actor: Actor, article: ArticleAccessFacts): boolean {
  return actor.role === "reporter" && !isMember(actor, article) && WRITING_STATES.includes(article.state);
}
