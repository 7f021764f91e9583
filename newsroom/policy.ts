import { isDesk, type Actor, type ArticleAccessFacts } from "./actor";
import { availableActions, mayArrangeByline, mayAskToJoin, mayChangeByline, mayEditText, type WorkflowAction } from "./workflow";

/** What a person may be allowed to do regardless of any one story. */
export type NewsroomAction =
  /** Start a story. */
  | "create"
  /** See the desk's review queue (待审) on the dashboard. */
  | "review"
  /** Look after bylines at all (the desk's job); `changeByline` says whether now. */
  | "manageMembers";

/** What a person may be allowed to do to one story, given its facts. */
export type ArticleAction =
  /** Open the story, its history, authors, audit trail and live document. */
  | "read"
  /** Change the text (title and body) now: over the socket, by restore. */
  | "edit"
  /** Change the dateline (part of the text an approval pins). */
  | "editDateline"
  /** Make an old version the current text. */
  | "restore"
  /** Save the current text as a named version. */
  | "saveVersion"
  /** Add, remove or reorder the byline now. */
  | "changeByline"
  /** Add colleagues to the byline and reorder it now (the desk, or the reporter who started it). */
  | "arrangeByline"
  /** Ask the byline and the desk to be added (a reporter not on it, while it is written). */
  | "askToJoin"
  /** Take a workflow action now (who and from which state; a missing note is not judged here). */
  | `transition:${WorkflowAction}`;

export type PolicyAction = NewsroomAction | ArticleAction;

function mayArticle(actor: Actor, action: ArticleAction, facts: ArticleAccessFacts): boolean {
  switch (action) {
    case "read":
      // Reading stays open inside the newsroom so the desk can follow what is being written;
      // the workflow narrows writing.
      return true;
    case "edit":
    case "editDateline":
    case "restore":
      return mayEditText(actor, facts);
    case "saveVersion":
      // The desk may checkpoint a story it cannot write (under review, approved) too.
      return isDesk(actor) || mayEditText(actor, facts);
    case "changeByline":
      return mayChangeByline(actor, facts);
    case "arrangeByline":
      return mayArrangeByline(actor, facts);
    case "askToJoin":
      return mayAskToJoin(actor, facts);
    default:
      return availableActions(actor, facts).includes(action.slice("transition:".length) as WorkflowAction);
  }
}

function mayNewsroom(actor: Actor, action: NewsroomAction): boolean {
  switch (action) {
    case "create":
      return true;
    case "review":
    case "manageMembers":
      return isDesk(actor);
  }
}

/**
 * The one policy: may `actor` (null: nobody signed in, or an account the rules do not know)
 * do `action`, given the story's `facts` for actions on a story. Every route, page, server
 * action, command and the collaboration socket asks this; the workflow table
 * (`workflow.ts`) is where the per-state rules live.
 */
export function can(actor: Actor | null, action: NewsroomAction): boolean;
export function can(actor: Actor | null, action: ArticleAction, facts: ArticleAccessFacts): boolean;
export function can(actor: Actor | null, action: PolicyAction, facts?: ArticleAccessFacts): boolean {
  if (actor === null) return false;
  if (action === "create" || action === "review" || action === "manageMembers") return mayNewsroom(actor, action);
  return facts !== undefined && mayArticle(actor, action, facts);
}
