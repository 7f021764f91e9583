import { describe, expect, it } from "vitest";
import type { Actor, ArticleAccessFacts } from "../../newsroom/actor";
import { ARTICLE_STATES, type ArticleState } from "../../newsroom/articleStates";
import { can, type ArticleAction, type NewsroomAction } from "../../newsroom/policy";
import { WORKFLOW_ACTIONS } from "../../newsroom/workflow";

type Who = "member" | "outsider" | "editor" | "admin";

const PEOPLE: Record<Who, Actor> = {
  member: { id: "member", role: "reporter" },
  outsider: { id: "outsider", role: "reporter" },
  editor: { id: "editor", role: "editor" },
  admin: { id: "admin", role: "admin" },
};
const EVERYONE: Who[] = ["member", "outsider", "editor", "admin"];
const DESK: Who[] = ["editor", "admin"];
const WRITERS: Who[] = ["member", "editor", "admin"];
/** The member started the story (so may arrange its byline); the outsider is on no byline. */
const story = (state: ArticleState): ArticleAccessFacts => ({ state, memberIds: ["member"], createdBy: "member" });

/** Who may, per state; a state not listed: nobody. Written out by hand, not derived from the code. */
type Table = Partial<Record<ArticleState, Who[]>>;
const everyState = (who: Who[]): Table => Object.fromEntries(ARTICLE_STATES.map((state) => [state, who]));
const writing = (who: Who[]): Table => ({ draft: who, changes_requested: who, correcting: who });

const TEXT: Table = { ...writing(WRITERS), submitted: DESK };

const EXPECTED: Record<ArticleAction, Table> = {
  read: everyState(EVERYONE),
  edit: TEXT,
  editDateline: TEXT,
  restore: TEXT,
  saveVersion: { ...everyState(DESK), ...writing(WRITERS) },
  changeByline: { ...writing(DESK), submitted: DESK },
  comment: everyState(WRITERS),
  overrideCheck: everyState(DESK),
  arrangeByline: { ...writing(WRITERS), submitted: DESK },
  askToJoin: writing(["outsider"]),
  "transition:submit": writing(WRITERS),
  "transition:request_changes": { submitted: DESK, approved: DESK },
  "transition:approve": { submitted: DESK },
  "transition:publish": { approved: DESK, withdrawn: DESK },
  "transition:withdraw": { published: DESK },
  "transition:correct": { published: DESK },
  "transition:spike": { draft: DESK },
};

describe("can: role × state × action", () => {
  for (const [action, table] of Object.entries(EXPECTED) as [ArticleAction, Table][]) {
    it(`${action}`, () => {
      for (const state of ARTICLE_STATES) {
        const allowed = EVERYONE.filter((who) => can(PEOPLE[who], action, story(state)));
        expect(allowed, `${action} in ${state}`).toEqual(table[state] ?? []);
        expect(can(null, action, story(state)), `nobody signed in: ${action} in ${state}`).toBe(false);
      }
    });
  }

  it("covers every workflow action", () => {
    const transitions = Object.keys(EXPECTED).filter((action) => action.startsWith("transition:"));
    expect(transitions).toEqual(WORKFLOW_ACTIONS.map((action) => `transition:${action}`));
  });

  it("newsroom-wide actions: anyone signed in creates and uploads photos, the desk reviews and looks after bylines, only admins manage accounts", () => {
    const expected: Record<NewsroomAction, Who[]> = {
      create: EVERYONE,
      review: DESK,
      manageMembers: DESK,
      uploadMedia: EVERYONE,
      manageAccounts: ["admin"],
      manageLexicon: ["admin"],
      manageReviewLevels: ["admin"],
    };
    for (const [action, who] of Object.entries(expected) as [NewsroomAction, Who[]][]) {
      expect(EVERYONE.filter((person) => can(PEOPLE[person], action)), action).toEqual(who);
      expect(can(null, action), `nobody signed in: ${action}`).toBe(false);
    }
  });

  it("only the reporter who started the story arranges its byline, not a colleague on it", () => {
    const colleague: Actor = { id: "colleague", role: "reporter" };
    const shared: ArticleAccessFacts = { state: "draft", memberIds: ["member", "colleague"], createdBy: "member" };
    expect(can(PEOPLE.member, "arrangeByline", shared)).toBe(true);
    expect(can(colleague, "arrangeByline", shared)).toBe(false);
    expect(can(PEOPLE.member, "changeByline", shared)).toBe(false);
    // A creator taken off the byline by the desk no longer arranges it.
    expect(can(PEOPLE.member, "arrangeByline", { ...shared, memberIds: ["colleague"] })).toBe(false);
  });

  it("an article action without the story's facts is refused", () => {
    const withoutFacts = can as (actor: Actor | null, action: string) => boolean;
    expect(withoutFacts(PEOPLE.admin, "edit")).toBe(false);
  });
});
