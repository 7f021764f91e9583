import { describe, expect, it } from "vitest";
import { PALETTE, userColor } from "../../newsroom/userColor";

describe("userColor", () => {
  it("gives every palette slot its own colour", () => {
    const colours = PALETTE.map((_, i) => userColor(i));
    expect(new Set(colours).size).toBe(PALETTE.length);
  });
  it("wraps around once there are more people than colours", () => {
    expect(userColor(PALETTE.length)).toBe(userColor(0));
    expect(userColor(-1)).toBe(userColor(PALETTE.length - 1));
  });
});
