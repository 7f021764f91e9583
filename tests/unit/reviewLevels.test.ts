import { describe, expect, it } from "vitest";
import type { Actor } from "../../newsroom/actor";
import {
  DEFAULT_REVIEW_LEVELS,
  levelStandings,
  levelToSign,
  missingLevels,
  signoffRefusal,
  type ReviewLevelSetting,
  type SignoffFacts,
} from "../../newsroom/reviewLevels";

const editor = (id: string): Actor => ({ id, role: "editor" });
const THREE: ReviewLevelSetting = {
  isDefault: false,
  levels: [
    { name: "初审", anyEditor: false, signerIds: ["a", "b"] },
    { name: "复审", anyEditor: false, signerIds: ["b", "c"] },
    { name: "终审", anyEditor: false, signerIds: ["c", "a"] },
  ],
};
const H1 = "1".repeat(64);
const H2 = "2".repeat(64);
let nextId = 1;
const signed = (levelName: string, signerId: string, contentHash = H1): SignoffFacts => ({ id: nextId++, levelName, signerId, contentHash });
const attempt = (actor: Actor, levelName: string, signoffs: SignoffFacts[], currentHash = H1) =>
  signoffRefusal({ actor, state: "submitted", levelName, setting: THREE, signoffs, currentHash });

describe("review levels (三审): order and who signs", () => {
  it("levels are signed in order: a later level waits for every earlier one on the current text", () => {
    expect(attempt(editor("b"), "复审", [])).toMatchObject({ status: 409, reason: "out_of_order", message: "须先完成“初审”" });
    expect(attempt(editor("c"), "终审", [])?.message).toBe("须先完成“初审”、“复审”");
    expect(attempt(editor("a"), "初审", [])).toBeNull();
    expect(attempt(editor("b"), "复审", [signed("初审", "a")])).toBeNull();
    // The earlier level was signed on another text: it does not count, so the order holds.
    expect(attempt(editor("b"), "复审", [signed("初审", "a", H2)])?.reason).toBe("out_of_order");
  });

  it("only a listed editor signs a level; reporters, states other than 待审 and unknown levels are refused", () => {
    expect(attempt(editor("c"), "初审", [])).toMatchObject({ status: 403, reason: "not_a_signer" });
    expect(attempt({ id: "a", role: "reporter" }, "初审", [])).toMatchObject({ status: 403, reason: "not_desk" });
    expect(attempt(editor("a"), "三审", [])).toMatchObject({ status: 400, reason: "unknown_level" });
    for (const state of ["draft", "changes_requested", "approved", "published"] as const) {
      expect(signoffRefusal({ actor: editor("a"), state, levelName: "初审", setting: THREE, signoffs: [], currentHash: H1 })?.reason).toBe("not_submitted");
    }
    expect(attempt({ id: "admin", role: "admin" }, "初审", [])?.reason).toBe("not_a_signer");
  });

  it("one person never signs two levels of a story, on any text; a level is signed once per text", () => {
    const first = [signed("初审", "b")];
    expect(attempt(editor("b"), "复审", first)).toMatchObject({ status: 409, reason: "signed_other_level" });
    // Even once the text changed and the old sign-off stopped counting.
    expect(attempt(editor("b"), "复审", [signed("初审", "b", H2), signed("初审", "a")])?.reason).toBe("signed_other_level");
    expect(attempt(editor("a"), "初审", first)).toMatchObject({ status: 409, reason: "already_signed" });
    // Signing the same level again on a new text is how a stale sign-off is renewed.
    expect(attempt(editor("b"), "初审", [signed("初审", "b", H2)])).toBeNull();
  });

  it("a sign-off counts only on the hash it signed: a changed text shows it stale and misses the level", () => {
    const signoffs = [signed("初审", "a"), signed("复审", "b"), signed("终审", "c")];
    expect(missingLevels(THREE, signoffs, H1)).toEqual([]);
    expect(missingLevels(THREE, signoffs, H2).map((l) => l.name)).toEqual(["初审", "复审", "终审"]);
    const standings = levelStandings(THREE, [...signoffs, signed("初审", "a", H2)], H2);
    expect(standings.map((s) => [s.level.name, s.signed?.signerId ?? null, s.stale?.signerId ?? null])).toEqual([
      ["初审", "a", null],
      ["复审", null, "b"],
      ["终审", null, "c"],
    ]);
  });

  it("offers the next level a person may sign, and none to someone who already signed one", () => {
    const base = { state: "submitted" as const, setting: THREE, currentHash: H1 };
    expect(levelToSign({ ...base, actor: editor("a"), signoffs: [] })?.name).toBe("初审");
    expect(levelToSign({ ...base, actor: editor("c"), signoffs: [] })).toBeNull();
    expect(levelToSign({ ...base, actor: editor("c"), signoffs: [signed("初审", "a")] })?.name).toBe("复审");
    expect(levelToSign({ ...base, actor: editor("a"), signoffs: [signed("初审", "a")] })).toBeNull();
  });

  it("the default: one level any editor signs, and 签发 itself is its sign-off (nothing missing)", () => {
    expect(missingLevels(DEFAULT_REVIEW_LEVELS, [], H1)).toEqual([]);
    expect(
      signoffRefusal({ actor: editor("x"), state: "submitted", levelName: "签发", setting: DEFAULT_REVIEW_LEVELS, signoffs: [], currentHash: H1 }),
    ).toBeNull();
  });
});
