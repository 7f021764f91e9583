import { describe, expect, it } from "vitest";

/**
 * Under CI_REQUIRE_ALL=1 nothing may be skipped: the PostgreSQL half of every integration
 * suite runs only when TEST_DATABASE_URL is set, so its absence is a failure there.
 */
describe("test environment", () => {
  it.runIf(process.env.CI_REQUIRE_ALL === "1")("CI provides PostgreSQL for the second backend", () => {
    expect(process.env.TEST_DATABASE_URL, "set TEST_DATABASE_URL (see .ci/run)").toMatch(/^postgres(ql)?:\/\//);
  });
});
