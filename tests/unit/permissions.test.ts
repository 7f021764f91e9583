import { describe, expect, it } from "vitest";
import { ARTICLE_STATES } from "../../newsroom/articleStates";
import { canCreateArticle, canEditArticle, canReadArticle } from "../../newsroom/permissions";

const reporter = { id: "r", role: "reporter" as const };
const editor = { id: "e", role: "editor" as const };

describe("permissions before the review workflow", () => {
  it("nobody signed out may read, edit or create", () => {
    const draft = { state: "draft" as const, memberIds: [] };
    expect(canReadArticle(null, draft)).toBe(false);
    expect(canEditArticle(null, draft)).toBe(false);
    expect(canCreateArticle(null)).toBe(false);
  });
  it("every signed-in member of the newsroom may read every story", () => {
    for (const state of ARTICLE_STATES) {
      expect(canReadArticle(reporter, { state, memberIds: [] })).toBe(true);
      expect(canReadArticle(editor, { state, memberIds: [] })).toBe(true);
    }
  });
  it("text may be edited only in the writing states", () => {
    const writable = ARTICLE_STATES.filter((state) => canEditArticle(reporter, { state, memberIds: ["r"] }));
    expect(writable).toEqual(["draft", "changes_requested", "correcting"]);
  });
});
