import { describe, expect, it } from "vitest";
import { loadEnv } from "../../server/env";

/** The settings of an environment holding only `values`. */
const settings = (values: Record<string, string>) => loadEnv({ NODE_ENV: "production", ...values });

/** The search's bounds are settings with a ceiling: a value past it stops the start with a clear message. */
describe("search settings", () => {
  it("takes SEARCH_MAX_RESULTS up to 5,000 and refuses more", () => {
    expect(settings({ SEARCH_MAX_RESULTS: "5000" }).SEARCH_MAX_RESULTS).toBe(5000);
    expect(() => settings({ SEARCH_MAX_RESULTS: "5001" })).toThrow(/SEARCH_MAX_RESULTS/);
  });

  it("bounds the grams backfill's batch (1 to 10,000, default 50)", () => {
    expect(settings({}).SEARCH_GRAMS_BACKFILL_BATCH).toBe(50);
    expect(() => settings({ SEARCH_GRAMS_BACKFILL_BATCH: "0" })).toThrow(/SEARCH_GRAMS_BACKFILL_BATCH/);
    expect(() => settings({ SEARCH_GRAMS_BACKFILL_BATCH: "10001" })).toThrow(/SEARCH_GRAMS_BACKFILL_BATCH/);
  });
});
