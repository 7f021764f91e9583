import { describe, expect, it, vi } from "vitest";
import type { Db } from "../../db/client";
import { BACKFILL_MAX_FAILURES, SearchGramsBackfill } from "../../server/articles/searchGramsBackfill";

/** A database whose batch statement fails `failFirst` times, then rebuilds nothing (all current). */
function flakyDb(failFirst: number): { db: Db; calls: () => number } {
  let calls = 0;
  const db = {
    execute: async () => {
      calls += 1;
      if (calls <= failFirst) throw new Error("database busy");
      return { rows: [] };
    },
  } as unknown as Db;
  return { db, calls: () => calls };
}

describe("the search-grams backfill after a failed batch", () => {
  it("tries again after a pause and finishes once the database answers", async () => {
    const { db, calls } = flakyDb(2);
    await new SearchGramsBackfill(db, { batch: 10, pauseMs: 0, backoffBaseMs: 1 }).start();
    expect(calls()).toBe(3);
  });

  it("gives up after a bounded number of failures in a row instead of retrying forever", async () => {
    const { db, calls } = flakyDb(Number.POSITIVE_INFINITY);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    await new SearchGramsBackfill(db, { batch: 10, pauseMs: 0, backoffBaseMs: 1 }).start();
    expect(calls()).toBe(BACKFILL_MAX_FAILURES);
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
  });
});
