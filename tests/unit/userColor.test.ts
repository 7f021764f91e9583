import { describe, expect, it } from "vitest";
import { userColor } from "../../newsroom/userColor";

describe("userColor", () => {
  it("gives the same person the same colour every time", () => {
    expect(userColor("d4128497-afa9-41b5-9d17-c44f7c5b6d64")).toBe(userColor("d4128497-afa9-41b5-9d17-c44f7c5b6d64"));
  });
  it("spreads people over several colours", () => {
    const colours = new Set(Array.from({ length: 40 }, (_, i) => userColor(`user-${i}`)));
    expect(colours.size).toBeGreaterThan(4);
  });
});
