import { describe, expect, it } from "vitest";
import {
  countersFor,
  MAX_ATTEMPTS_PER_ACCOUNT,
  MAX_ATTEMPTS_PER_ADDRESS,
  MAX_ATTEMPTS_PER_DEVICE,
  secondsUntilFree,
} from "../../server/auth/signInPolicy";

const WINDOW = 15 * 60_000;
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

describe("countersFor", () => {
  it("judges an unknown device by the account (case-insensitive) and by the address", () => {
    expect(countersFor({ username: "ZhouMi", address: "10.0.0.7", deviceId: null })).toEqual([
      { scope: "account", key: "zhoumi", max: MAX_ATTEMPTS_PER_ACCOUNT },
      { scope: "address", key: "10.0.0.7", max: MAX_ATTEMPTS_PER_ADDRESS },
    ]);
  });

  it("judges a proven device by its own counter only, never by the account's", () => {
    expect(countersFor({ username: "zhoumi", address: "10.0.0.7", deviceId: "d1" })).toEqual([
      { scope: "device", key: "d1", max: MAX_ATTEMPTS_PER_DEVICE },
    ]);
  });
});

describe("secondsUntilFree", () => {
  const ago = (ms: number) => NOW - ms;

  it("lets attempts in below the limit", () => {
    expect(secondsUntilFree([], 10, WINDOW, NOW)).toBe(0);
    expect(secondsUntilFree(Array.from({ length: 9 }, (_, i) => ago(i * 1000)), 10, WINDOW, NOW)).toBe(0);
  });

  it("waits until the max-th newest attempt leaves the window", () => {
    const recent = Array.from({ length: 10 }, (_, i) => ago(i * 60_000)); // newest 0 min ago, oldest 9 min ago
    expect(secondsUntilFree(recent, 10, WINDOW, NOW)).toBe(6 * 60);
  });

  it("does not count attempts that left the window", () => {
    const recent = [...Array.from({ length: 9 }, () => ago(1000)), ago(WINDOW), ago(WINDOW + 1)];
    expect(secondsUntilFree(recent, 10, WINDOW, NOW)).toBe(0);
  });

  it("never answers less than a second while full, and opens exactly when the window has passed", () => {
    const recent = Array.from({ length: 10 }, () => ago(WINDOW - 1));
    expect(secondsUntilFree(recent, 10, WINDOW, NOW)).toBe(1);
    expect(secondsUntilFree(recent, 10, WINDOW, NOW + 1)).toBe(0);
  });

  it("reads the order of the times itself", () => {
    const recent = [ago(5 * 60_000), ago(0), ago(60_000)];
    expect(secondsUntilFree(recent, 3, WINDOW, NOW)).toBe(10 * 60);
  });
});
