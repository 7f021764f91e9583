import { describe, expect, it } from "vitest";
import { ParkedUpdates } from "../../server/collab/parkedUpdates";
import { AccountBudgets, OverBudget, type SocketBudgetLimits } from "../../server/collab/socketBudgets";

const limits: SocketBudgetLimits = {
  updatesPerSecond: 10,
  updateBytesPerSecond: 1000,
  accountUpdatesPerSecond: 15,
  accountUpdateBytesPerSecond: 10_000,
  newClientIdsPerMinute: 6,
  maxPendingBytes: 1000,
  awarenessQueriesPerSecond: 2,
  maxAwarenessStateBytes: 100,
};

/** How many charges pass before the first refusal, and the refusal's message. */
function untilRefused(charge: () => void, max = 1000): { passed: number; message: string } {
  for (let passed = 0; passed < max; passed++) {
    try {
      charge();
    } catch (err) {
      expect(err).toBeInstanceOf(OverBudget);
      return { passed, message: (err as Error).message };
    }
  }
  return { passed: max, message: "" };
}

describe("socket budgets", () => {
  it("lets a connection send twice its update rate at once, then names the budget it passed", () => {
    const socket = new AccountBudgets(limits).forConnection("u1", 0);
    expect(untilRefused(() => socket.chargeUpdate(1, 0))).toEqual({ passed: 20, message: "over COLLAB_MAX_UPDATES_PER_SECOND" });
  });

  it("counts bytes, so one message of the whole burst still fits", () => {
    const socket = new AccountBudgets(limits).forConnection("u1", 0);
    socket.chargeUpdate(2000, 0);
    expect(untilRefused(() => socket.chargeUpdate(1, 0)).message).toBe("over COLLAB_MAX_UPDATE_BYTES_PER_SECOND");
  });

  it("shares the account's budget across its sockets", () => {
    const budgets = new AccountBudgets(limits);
    const first = budgets.forConnection("u1", 0);
    const second = budgets.forConnection("u1", 0);
    for (let i = 0; i < 20; i++) first.chargeUpdate(1, 0);
    expect(untilRefused(() => second.chargeUpdate(1, 0))).toEqual({ passed: 10, message: "over COLLAB_ACCOUNT_UPDATES_PER_SECOND" });
    // Another account is not affected.
    const other = budgets.forConnection("u2", 0);
    expect(untilRefused(() => other.chargeUpdate(1, 0)).passed).toBe(20);
  });

  it("limits new client ids per minute per account, refilling over the minute", () => {
    const budgets = new AccountBudgets(limits);
    const socket = budgets.forConnection("u1", 0);
    socket.chargeNewClientIds(6, 0);
    expect(() => budgets.forConnection("u1", 0).chargeNewClientIds(1, 0)).toThrow("over COLLAB_MAX_NEW_CLIENT_IDS_PER_MINUTE");
    expect(() => socket.chargeNewClientIds(1, 10_000)).not.toThrow();
  });

  it("does not forget an account whose buckets are still refilling", () => {
    const budgets = new AccountBudgets(limits);
    budgets.forConnection("u1", 0).chargeNewClientIds(6, 0);
    budgets.forgetIdle(1000);
    expect(() => budgets.forConnection("u1", 1000).chargeNewClientIds(1, 1000)).toThrow(OverBudget);
  });

  it("rate-limits query-awareness per connection", () => {
    const socket = new AccountBudgets(limits).forConnection("u1", 0);
    expect(untilRefused(() => socket.chargeAwarenessQuery(0))).toEqual({ passed: 4, message: "over COLLAB_MAX_AWARENESS_QUERIES_PER_SECOND" });
  });

  it("shares the account's byte budget across its sockets", () => {
    const budgets = new AccountBudgets(limits);
    // Each socket may send 2000 bytes at once; the account 20 000 across all of them.
    const sockets = Array.from({ length: 12 }, () => budgets.forConnection("u1", 0));
    const refusals = sockets.map((socket) => untilRefused(() => socket.chargeUpdate(1000, 0), 2));
    expect(refusals.filter((r) => r.message === "over COLLAB_ACCOUNT_UPDATE_BYTES_PER_SECOND")).toHaveLength(2);
  });
});

describe("parked updates", () => {
  it("keeps a connection's updates in order until taken, within its bytes and count", () => {
    const parked = new ParkedUpdates<string>();
    parked.park("a", Uint8Array.of(1), 10);
    parked.park("a", Uint8Array.of(2), 10);
    parked.park("b", Uint8Array.of(3), 10);
    expect(parked.takeAll("a").map((u) => u[0])).toEqual([1, 2]);
    expect(parked.has("a")).toBe(false);
    expect(() => parked.park("b", new Uint8Array(10), 10)).toThrow("over COLLAB_MAX_PENDING_BYTES");
    expect(parked.has("b")).toBe(false);
    for (let i = 0; i < 3; i++) parked.park("c", Uint8Array.of(i), 100, 3);
    expect(() => parked.park("c", Uint8Array.of(9), 100, 3)).toThrow(OverBudget);
  });
});
