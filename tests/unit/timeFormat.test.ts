import { describe, expect, it } from "vitest";
import { formatLongDate, formatShortTime, fromBeijingInputValue, toBeijingInputValue } from "../../newsroom/timeFormat";

describe("the newsroom's dates", () => {
  it("writes short times as 11月27日 21:24 in Beijing time, wherever the server runs", () => {
    expect(formatShortTime("2026-11-27T13:24:00Z")).toBe("11月27日 21:24");
    expect(formatShortTime("2026-01-04T16:05:00Z")).toBe("1月5日 00:05");
  });

  it("writes the long date of a published story with its year", () => {
    expect(formatLongDate("2026-11-27T13:24:00Z")).toBe("2026年11月27日 21:24");
  });

  it("reads and writes datetime-local values as Beijing time", () => {
    expect(toBeijingInputValue("2026-11-28T00:00:00Z")).toBe("2026-11-28T08:00");
    const iso = fromBeijingInputValue("2026-11-28T08:00")!;
    expect(new Date(iso).toISOString()).toBe("2026-11-28T00:00:00.000Z");
    expect(fromBeijingInputValue("明天")).toBeNull();
  });
});
