import { describe, expect, it } from "vitest";
import { TokenBucket } from "../../newsroom/tokenBucket";

describe("TokenBucket", () => {
  it("allows a burst, then refuses until time refills it", () => {
    const bucket = new TokenBucket(3, 1, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(500)).toBe(false);
    expect(bucket.take(1000)).toBe(true);
    expect(bucket.take(1000)).toBe(false);
  });

  it("never stores more than the burst, however long it sat idle", () => {
    const bucket = new TokenBucket(2, 10, 0);
    const taken = Array.from({ length: 5 }, () => bucket.take(60_000)).filter(Boolean).length;
    expect(taken).toBe(2);
  });

  it("does not refill when the clock goes backwards", () => {
    const bucket = new TokenBucket(1, 1, 10_000);
    expect(bucket.take(10_000)).toBe(true);
    expect(bucket.take(5_000)).toBe(false);
  });

  it("takes a cost at once (bytes), refusing without taking anything when short", () => {
    const bucket = new TokenBucket(100, 50, 0);
    expect(bucket.take(0, 80)).toBe(true);
    expect(bucket.take(0, 30)).toBe(false);
    expect(bucket.take(0, 20)).toBe(true);
    expect(bucket.take(1000, 50)).toBe(true);
    expect(bucket.isFull(1000)).toBe(false);
    expect(bucket.isFull(3000)).toBe(true);
  });
});
