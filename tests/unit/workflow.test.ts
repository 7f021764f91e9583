import { describe, expect, it } from "vitest";
import { ARTICLE_STATES, type ArticleState } from "../../newsroom/articleStates";
import type { Actor, ArticleAccessFacts } from "../../newsroom/actor";
import {
  availableActions,
  decideTransition,
  mayChangeByline,
  mayEditText,
  WORKFLOW_ACTIONS,
  type WorkflowAction,
} from "../../newsroom/workflow";

const member: Actor = { id: "member", role: "reporter" };
const outsider: Actor = { id: "outsider", role: "reporter" };
const editor: Actor = { id: "editor", role: "editor" };
const admin: Actor = { id: "admin", role: "admin" };
const article = (state: ArticleState): ArticleAccessFacts => ({ state, memberIds: ["member"] });

/**
 * The expected table, written out by hand: for each action, the states it starts from, the
 * state it leads to, and who may take it. Everything not listed must be refused.
 */
const EXPECTED: Record<WorkflowAction, { from: ArticleState[]; to: ArticleState; by: Actor[]; note?: true }> = {
  submit: { from: ["draft", "changes_requested", "correcting"], to: "submitted", by: [member, editor, admin] },
  request_changes: { from: ["submitted", "approved"], to: "changes_requested", by: [editor, admin], note: true },
  approve: { from: ["submitted"], to: "approved", by: [editor, admin] },
  publish: { from: ["approved", "withdrawn"], to: "published", by: [editor, admin] },
  withdraw: { from: ["published"], to: "withdrawn", by: [editor, admin] },
  correct: { from: ["published"], to: "correcting", by: [editor, admin], note: true },
  spike: { from: ["draft"], to: "spiked", by: [editor, admin] },
};

describe("the workflow table: every state × action × role", () => {
  for (const action of WORKFLOW_ACTIONS) {
    for (const state of ARTICLE_STATES) {
      for (const actor of [member, outsider, editor, admin]) {
        const rule = EXPECTED[action];
        const allowedPerson = rule.by.includes(actor);
        const allowedState = rule.from.includes(state);
        const label = `${actor.id} ${action} in ${state}`;
        it(label, () => {
          const decision = decideTransition(actor, article(state), action, "说明");
          if (!allowedPerson) expect(decision).toEqual({ ok: false, reason: "forbidden" });
          else if (!allowedState) expect(decision).toEqual({ ok: false, reason: "invalid_state" });
          else expect(decision).toEqual({ ok: true, to: rule.to });
          expect(availableActions(actor, article(state)).includes(action)).toBe(allowedPerson && allowedState);
        });
      }
    }
  }

  it("refuses request_changes and correct without a note", () => {
    expect(decideTransition(editor, article("submitted"), "request_changes", "  ")).toEqual({
      ok: false,
      reason: "note_required",
    });
    expect(decideTransition(editor, article("published"), "correct", null)).toEqual({ ok: false, reason: "note_required" });
    expect(decideTransition(member, article("draft"), "submit", null)).toEqual({ ok: true, to: "submitted" });
  });
});

describe("who may change the text", () => {
  const table: Record<ArticleState, Actor[]> = {
    draft: [member, editor, admin],
    submitted: [editor, admin],
    changes_requested: [member, editor, admin],
    approved: [],
    published: [],
    correcting: [member, editor, admin],
    withdrawn: [],
    spiked: [],
  };
  for (const state of ARTICLE_STATES) {
    for (const actor of [member, outsider, editor, admin]) {
      it(`${actor.id} in ${state}: ${table[state].includes(actor) ? "writes" : "read-only"}`, () => {
        expect(mayEditText(actor, article(state))).toBe(table[state].includes(actor));
      });
    }
  }

  it("the byline is the desk's, and frozen from approval on", () => {
    expect(mayChangeByline(editor, article("draft"))).toBe(true);
    expect(mayChangeByline(editor, article("submitted"))).toBe(true);
    expect(mayChangeByline(editor, article("approved"))).toBe(false);
    expect(mayChangeByline(editor, article("published"))).toBe(false);
    expect(mayChangeByline(member, article("draft"))).toBe(false);
  });
});
