import { describe, expect, it } from "vitest";
import type { Actor } from "../../newsroom/actor";
import { MIN_PASSWORD_LENGTH, passwordProblem } from "../../newsroom/passwordRules";
import { accountChangeRefusal, type AccountFacts } from "../../newsroom/policy";
import { accountLabel } from "../../newsroom/roles";

const admin: Actor = { id: "a1", role: "admin" };
const editor: Actor = { id: "e1", role: "editor" };
const otherAdmin = (enabledAdmins: number): AccountFacts => ({ targetId: "a2", targetRole: "admin", targetDisabled: false, enabledAdmins });

describe("password rules", () => {
  it("takes a long, unusual password", () => {
    expect(passwordProblem("湘江夜读-书屋-2026", "yaoyuchao")).toBeNull();
  });
  it("refuses short, the username, common and one-character passwords", () => {
    expect(passwordProblem("a".repeat(MIN_PASSWORD_LENGTH - 1) + "", "x")).toContain("至少");
    expect(passwordProblem("Yaoyuchao-2026", "yaoyuchao")).toContain("用户名");
    expect(passwordProblem("Password123", "someone")).toContain("常见");
    expect(passwordProblem("ababababab", "someone")).toContain("容易猜到");
  });
  it("counts characters, not bytes: ten Chinese characters are enough", () => {
    expect(passwordProblem("岳麓山下秋季读书会开幕", "x")).toBeNull();
  });
});

describe("account change rules", () => {
  it("only an admin changes accounts", () => {
    expect(accountChangeRefusal(editor, { role: "editor" }, otherAdmin(2))?.code).toBe("forbidden");
    expect(accountChangeRefusal(null, {}, otherAdmin(2))?.code).toBe("forbidden");
  });
  it("nobody disables themselves, even with other admins left", () => {
    expect(accountChangeRefusal(admin, { disabled: true }, { ...otherAdmin(3), targetId: "a1" })?.code).toBe("conflict");
  });
  it("the last enabled admin is neither disabled nor demoted; with another left, both are fine", () => {
    expect(accountChangeRefusal(admin, { disabled: true }, otherAdmin(1))?.code).toBe("conflict");
    expect(accountChangeRefusal(admin, { role: "reporter" }, { ...otherAdmin(1), targetId: "a1" })?.code).toBe("conflict");
    expect(accountChangeRefusal(admin, { disabled: true }, otherAdmin(2))).toBeNull();
    expect(accountChangeRefusal(admin, { role: "admin", disabled: false }, otherAdmin(1))).toBeNull();
    // A disabled admin is not one of the enabled ones: changing it never strands the newsroom.
    expect(accountChangeRefusal(admin, { role: "editor" }, { ...otherAdmin(1), targetDisabled: true })).toBeNull();
  });
  it("a role keeps its label only when the label fits it", () => {
    expect(accountLabel("reporter", "通讯员")).toBe("通讯员");
    expect(accountLabel("editor", "通讯员")).toBe("编辑");
    expect(accountLabel("admin")).toBe("管理员");
  });
});
