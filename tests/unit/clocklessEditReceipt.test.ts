import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ClocklessEditReceipt, RECEIPT_MIN_GAP_MS } from "../../newsroom/clocklessEditReceipt";

/** A receipt whose requests are counted and whose settlements are recorded. */
function receipt() {
  const sent: number[] = [];
  let settledCalls = 0;
  const r = new ClocklessEditReceipt(
    () => sent.push(Date.now()),
    () => (settledCalls += 1),
  );
  return { r, sent, settledCalls: () => settledCalls };
}

describe("a deletion's receipt (an edit that moves no Yjs clock)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is unsaved from the deletion until the answer to a request sent after it", () => {
    const { r, sent, settledCalls } = receipt();
    r.connected();
    expect(r.settled).toBe(true);
    r.clocklessEdit();
    expect(r.settled).toBe(false);
    vi.advanceTimersByTime(0);
    expect(sent).toHaveLength(1);
    r.answered();
    expect(r.settled).toBe(true);
    expect(settledCalls()).toBe(1);
  });

  it("asks again when the text changed while a request was out: the first answer does not cover it", () => {
    const { r, sent } = receipt();
    r.connected();
    r.clocklessEdit();
    vi.advanceTimersByTime(0);
    r.clocklessEdit();
    r.answered();
    expect(r.settled).toBe(false);
    // Spaced: the server answers a few requests a second per socket.
    vi.advanceTimersByTime(RECEIPT_MIN_GAP_MS - 1);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toHaveLength(2);
    r.answered();
    expect(r.settled).toBe(true);
  });

  it("keeps one request out however fast someone deletes, and at most two a second", () => {
    const { r, sent } = receipt();
    r.connected();
    for (let second = 0; second < 10; second++) {
      for (let key = 0; key < 20; key++) {
        r.clocklessEdit();
        vi.advanceTimersByTime(50);
        if (key % 4 === 3) r.answered();
      }
    }
    expect(sent.length).toBeLessThanOrEqual(2 * 10 + 1);
    for (let i = 1; i < sent.length; i++) expect(sent[i] - sent[i - 1]).toBeGreaterThanOrEqual(RECEIPT_MIN_GAP_MS);
  });

  it("sends nothing before the first sync, and a deletion made offline waits for the next connection", () => {
    const { r, sent } = receipt();
    r.clocklessEdit();
    vi.advanceTimersByTime(5_000);
    expect(sent).toHaveLength(0);
    r.connected();
    vi.advanceTimersByTime(0);
    expect(sent).toHaveLength(1);
    // The connection drops with the request out: its answer will never come.
    r.disconnected();
    r.answered();
    expect(r.settled).toBe(false);
    r.connected();
    vi.advanceTimersByTime(RECEIPT_MIN_GAP_MS);
    expect(sent).toHaveLength(2);
    r.answered();
    expect(r.settled).toBe(true);
  });

  it("takes a sync answer nobody asked for as nothing", () => {
    const { r, settledCalls } = receipt();
    r.connected();
    r.answered();
    expect(settledCalls()).toBe(0);
    r.clocklessEdit();
    r.answered();
    expect(r.settled).toBe(false);
  });
});
