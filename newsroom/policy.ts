import { isDesk, isMember, type Actor, type ArticleAccessFacts } from "./actor";
import type { Role } from "./roles";
import { availableActions, mayArrangeByline, mayAskToJoin, mayChangeByline, mayEditText, type WorkflowAction } from "./workflow";

/** What a person may be allowed to do regardless of any one story. */
export type NewsroomAction =
  /** Start a story. */
  | "create"
  /** See the desk's review queue (待审) on the dashboard. */
  | "review"
  /** Look after bylines at all (the desk's job); `changeByline` says whether now. */
  | "manageMembers"
  /** Upload a photo (staff who write or edit stories; the photo is used in a story they may edit). */
  | "uploadMedia"
  /** Open the admin console: list, create, edit, disable accounts, reset passwords. */
  | "manageAccounts"
  /** Manage the sensitive-word lexicon the checks use (admins only). */
  | "manageLexicon"
  /** Set the review levels (三审) and who signs each (admins only). */
  | "manageReviewLevels";

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
  /** Read and write review comments (threads, replies, resolve), in every state. */
  | "comment"
  /** Override a failed machine check for the current text, with a reason (the desk). */
  | "overrideCheck"
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
    case "comment":
      // Review happens in every state, read-only ones included; outsiders to the story stay out.
      return isDesk(actor) || isMember(actor, facts);
    case "overrideCheck":
      return isDesk(actor);
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
    case "uploadMedia":
      return true;
    case "review":
    case "manageMembers":
      return isDesk(actor);
    case "manageAccounts":
    case "manageLexicon":
    case "manageReviewLevels":
      return actor.role === "admin";
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
  if (
    action === "create" ||
    action === "review" ||
    action === "manageMembers" ||
    action === "uploadMedia" ||
    action === "manageAccounts" ||
    action === "manageLexicon" ||
    action === "manageReviewLevels"
  ) {
    return mayNewsroom(actor, action);
  }
  return facts !== undefined && mayArticle(actor, action, facts);
}

/** What the account rules need to know about the account being changed. */
export interface AccountFacts {
  targetId: string;
  targetRole: Role;
  targetDisabled: boolean;
  /** Enabled admin accounts in the newsroom, the target included when it is one. */
  enabledAdmins: number;
}

/** A change to an account, as far as the rules care. */
export interface AccountChange {
  role?: Role;
  disabled?: boolean;
}

/**
 * Why `actor` may not make `change` to an account, or null when it may: only an admin changes
 * accounts; nobody disables themselves; the last enabled admin is neither disabled nor demoted
 * (the newsroom would lose its console for good).
 */
export function accountChangeRefusal(
  actor: Actor | null,
  change: AccountChange,
  facts: AccountFacts,
): { code: "forbidden" | "conflict"; message: string } | null {
  if (!can(actor, "manageAccounts")) return { code: "forbidden", message: "只有系统管理员可以管理账号" };
  if (change.disabled === true && facts.targetId === actor!.id) {
    return { code: "conflict", message: "不能停用自己的账号" };
  }
  const losesAdmin =
    facts.targetRole === "admin" && !facts.targetDisabled && (change.disabled === true || (change.role !== undefined && change.role !== "admin"));
  if (losesAdmin && facts.enabledAdmins <= 1) {
    return { code: "conflict", message: "这是最后一个启用的系统管理员账号，不能停用或降级" };
  }
  return null;
}
