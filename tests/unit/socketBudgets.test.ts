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
  maxParkedUpdates: 3,
  awarenessQueriesPerSecond: 2,
  awarenessUpdatesPerSecond: 3,
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

  it("rate-limits presence updates per connection, twice the rate at once, refilling over time", () => {
    const budgets = new AccountBudgets(limits);
    const socket = budgets.forConnection("u1", 0);
    expect(untilRefused(() => socket.chargeAwarenessUpdate(0))).toEqual({ passed: 6, message: "over COLLAB_MAX_AWARENESS_UPDATES_PER_SECOND" });
    // A second later the sustained rate is back; another socket of the account has its own.
    expect(untilRefused(() => socket.chargeAwarenessUpdate(1000))).toEqual({ passed: 3, message: "over COLLAB_MAX_AWARENESS_UPDATES_PER_SECOND" });
    const another = budgets.forConnection("u1", 1000);
    expect(untilRefused(() => another.chargeAwarenessUpdate(1000)).passed).toBe(6);
  });

  it("shares the account's byte budget across its sockets", () => {
    const budgets = new AccountBudgets(limits);
    // Each socket may send 2000 bytes at once; the account 20 000 across all of them.
    const sockets = Array.from({ length: 12 }, () => budgets.forConnection("u1", 0));
    const refusals = sockets.map((socket) => untilRefused(() => socket.chargeUpdate(1000, 0), 2));
    expect(refusals.filter((r) => r.message === "over COLLAB_ACCOUNT_UPDATE_BYTES_PER_SECOND")).toHaveLength(2);
  });
});

describe("retried updates", () => {
  it("draw on the connection's bytes budget like new messages", () => {
    const socket = new AccountBudgets(limits).forConnection("u1", 0);
    socket.chargeUpdate(1500, 0);
    expect(untilRefused(() => socket.chargeRetry(100, 0)).message).toBe("over COLLAB_MAX_UPDATE_BYTES_PER_SECOND (updates retried)");
  });
});

describe("parked updates", () => {
  const limits = { maxBytes: 10, maxUpdates: 3 };
  const entry = (connection: string, byte: number, client: number, clock: number, size = 1) => ({
    connection,
    update: new Uint8Array(size).fill(byte),
    waitsFor: { client, clock },
    deletesAheadIn: [],
  });

  it("hands an update back only once the story's clock reaches what it waits for, oldest first", () => {
    const parked = new ParkedUpdates<string>();
    parked.park(entry("a", 1, 7, 5), limits);
    parked.park(entry("b", 2, 8, 1), limits);
    parked.park(entry("a", 3, 7, 2), limits);
    const clocks = new Map<number, number>();
    const clockOf = (client: number) => clocks.get(client) ?? 0;
    expect(parked.takeReady(clockOf)).toEqual([]);
    clocks.set(7, 4);
    expect(parked.takeReady(clockOf).map((p) => p.update[0])).toEqual([3]);
    clocks.set(7, 5);
    clocks.set(8, 1);
    expect(parked.takeReady(clockOf).map((p) => p.update[0])).toEqual([1, 2]);
    expect(parked.has("a")).toBe(false);
    expect(parked.has("b")).toBe(false);
  });

  it("refuses past a connection's bytes or count, and forgets what it parked", () => {
    const parked = new ParkedUpdates<string>();
    parked.park(entry("b", 1, 1, 1, 5), limits);
    expect(() => parked.park(entry("b", 2, 1, 1, 6), limits)).toThrow("over COLLAB_MAX_PENDING_BYTES");
    expect(parked.has("b")).toBe(false);
    for (let i = 0; i < 3; i++) parked.park(entry("c", i, 1, 1), limits);
    expect(() => parked.park(entry("c", 9, 1, 1), limits)).toThrow(OverBudget);
    expect(parked.has("c")).toBe(false);
    expect(parked.takeReady(() => 100)).toEqual([]);
  });
});
