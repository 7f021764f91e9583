import { describe, expect, it } from "vitest";
import { formatBylineNames } from "../../newsroom/byline";

describe("formatBylineNames", () => {
  it("groups consecutive people with the same label, as in the sample story", () => {
    expect(
      formatBylineNames([
        { name: "姚宇超", label: "记者" },
        { name: "徐卫香", label: "通讯员" },
        { name: "周汨", label: "通讯员" },
      ]),
    ).toBe("记者 姚宇超 通讯员 徐卫香 周汨");
  });
  it("repeats a label when the same label comes back after another", () => {
    expect(
      formatBylineNames([
        { name: "甲", label: "记者" },
        { name: "乙", label: "通讯员" },
        { name: "丙", label: "记者" },
      ]),
    ).toBe("记者 甲 通讯员 乙 记者 丙");
  });
  it("is empty for nobody", () => expect(formatBylineNames([])).toBe(""));
});
