import { describe, expect, it } from "vitest";
import { ARTICLE_STATES } from "../../newsroom/articleStates";
import { can } from "../../newsroom/policy";

const reporter = { id: "r", role: "reporter" as const };
const editor = { id: "e", role: "editor" as const };

describe("permissions before the review workflow", () => {
  it("nobody signed out may read, edit or create", () => {
    const draft = { state: "draft" as const, memberIds: [] };
    expect(can(null, "read", draft)).toBe(false);
    expect(can(null, "edit", draft)).toBe(false);
    expect(can(null, "create")).toBe(false);
  });
  it("every signed-in member of the newsroom may read every story", () => {
    for (const state of ARTICLE_STATES) {
      expect(can(reporter, "read", { state, memberIds: [] })).toBe(true);
      expect(can(editor, "read", { state, memberIds: [] })).toBe(true);
    }
  });
  it("text may be edited only in the writing states", () => {
    const writable = ARTICLE_STATES.filter((state) => can(reporter, "edit", { state, memberIds: ["r"] }));
    expect(writable).toEqual(["draft", "changes_requested", "correcting"]);
  });
});
