import { describe, expect, it } from "vitest";
import type { Actor } from "../../newsroom/actor";
import {
  DEFAULT_REVIEW_LEVELS,
  levelStandings,
  levelToSign,
  missingLevels,
  signoffRefusal,
  type ReviewLevelSetting,
  type SignerRoster,
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
/** Everyone still enabled on the desk. */
const ROSTER: SignerRoster = new Map(["a", "b", "c", "x"].map((id) => [id, editor(id)]));
let nextId = 1;
const signed = (levelName: string, signerId: string, contentHash = H1, byApproval = false): SignoffFacts => {
  const id = nextId++;
  return { id, levelName, signerId, contentHash, byApproval, auditEntryId: id };
};
const attempt = (actor: Actor, levelName: string, signoffs: SignoffFacts[], currentHash = H1, extra: { roster?: SignerRoster; cycleStart?: number; setting?: ReviewLevelSetting } = {}) =>
  signoffRefusal({ actor, state: "submitted", levelName, setting: extra.setting ?? THREE, signoffs, currentHash, roster: extra.roster ?? ROSTER, cycleStart: extra.cycleStart ?? 0 });

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
      expect(signoffRefusal({ actor: editor("a"), state, levelName: "初审", setting: THREE, signoffs: [], currentHash: H1, roster: ROSTER, cycleStart: 0 })?.reason).toBe("not_submitted");
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
    expect(missingLevels(THREE, signoffs, H1, ROSTER)).toEqual([]);
    expect(missingLevels(THREE, signoffs, H2, ROSTER).map((l) => l.name)).toEqual(["初审", "复审", "终审"]);
    const standings = levelStandings(THREE, [...signoffs, signed("初审", "a", H2)], H2, ROSTER);
    expect(standings.map((s) => [s.level.name, s.signed?.signerId ?? null, s.stale?.signerId ?? null])).toEqual([
      ["初审", "a", null],
      ["复审", null, "b"],
      ["终审", null, "c"],
    ]);
  });

  it("offers the next level a person may sign, and none to someone who already signed one", () => {
    const base = { state: "submitted" as const, setting: THREE, currentHash: H1, roster: ROSTER, cycleStart: 0 };
    expect(levelToSign({ ...base, actor: editor("a"), signoffs: [] })?.name).toBe("初审");
    expect(levelToSign({ ...base, actor: editor("c"), signoffs: [] })).toBeNull();
    expect(levelToSign({ ...base, actor: editor("c"), signoffs: [signed("初审", "a")] })?.name).toBe("复审");
    expect(levelToSign({ ...base, actor: editor("a"), signoffs: [signed("初审", "a")] })).toBeNull();
  });

  it("the default: one level, and 签发 itself is its sign-off: nothing missing, and no sign-off by hand", async () => {
    expect(missingLevels(DEFAULT_REVIEW_LEVELS, [], H1, ROSTER)).toEqual([]);
    // Signing it by hand would leave the receipt naming someone other than the approver.
    expect(attempt(editor("x"), "签发", [], H1, { setting: DEFAULT_REVIEW_LEVELS })).toMatchObject({ status: 409, reason: "default_level" });
  });

  it("a sign-off counts only while its signer may still sign the level: removed, demoted or disabled signers stop counting", () => {
    const signoffs = [signed("初审", "a"), signed("复审", "b"), signed("终审", "c")];
    // "a" taken off 初审's list.
    const relisted: ReviewLevelSetting = { isDefault: false, levels: [{ ...THREE.levels[0], signerIds: ["b"] }, THREE.levels[1], THREE.levels[2]] };
    expect(missingLevels(relisted, signoffs, H1, ROSTER).map((l) => l.name)).toEqual(["初审"]);
    // "b" demoted to reporter; "c" disabled (not in the roster).
    const demoted: SignerRoster = new Map([["a", editor("a")], ["b", { id: "b", role: "reporter" }]]);
    expect(missingLevels(THREE, signoffs, H1, demoted).map((l) => l.name)).toEqual(["复审", "终审"]);
    // The next level waits: the earlier sign-off no longer counts.
    expect(attempt(editor("c"), "终审", signoffs.slice(0, 2), H1, { roster: new Map([["a", editor("a")], ["c", editor("c")]]) })?.reason).toBe("out_of_order");
  });

  it("a 签发 row written under the default never stands for a configured level named 签发", () => {
    const named: ReviewLevelSetting = { isDefault: false, levels: [{ name: "签发", anyEditor: true, signerIds: [] }] };
    const approval = [signed("签发", "a", H1, true)];
    expect(missingLevels(named, approval, H1, ROSTER).map((l) => l.name)).toEqual(["签发"]);
    expect(attempt(editor("b"), "签发", approval, H1, { setting: named })).toBeNull();
    // Under the default the approval's own row is the level's sign-off.
    expect(levelStandings(DEFAULT_REVIEW_LEVELS, approval, H1, ROSTER)[0].signed?.signerId).toBe("a");
  });

  it("one person, one level: only within the current submission cycle, among configured levels, never counting 签发 rows", () => {
    // "b" approved once under the default: she may still sign a configured level.
    expect(attempt(editor("b"), "复审", [signed("签发", "b", H2, true), signed("初审", "a")])).toBeNull();
    // "b" signed a level that is no longer configured.
    expect(attempt(editor("b"), "复审", [signed("二审", "b"), signed("初审", "a")])).toBeNull();
    // "b" signed 初审 in an earlier cycle (before the latest 提交, entry 1000): a new cycle starts afresh.
    const earlier = signed("初审", "b", H2);
    const now = [earlier, signed("初审", "a")];
    expect(attempt(editor("b"), "复审", now, H1, { cycleStart: earlier.auditEntryId! })).toBeNull();
    expect(attempt(editor("b"), "复审", now, H1, { cycleStart: 0 })?.reason).toBe("signed_other_level");
  });
});
