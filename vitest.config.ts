import path from "node:path";
import { defineConfig } from "vitest/config";
import LongestFirstSequencer from "./tests/support/longestFirstSequencer";
import SlowestFilesReporter from "./tests/support/slowestFilesReporter";

/**
 * The test pyramid (docs/ARCHITECTURE.md "Tests"): `unit` (pure code, milliseconds),
 * `integration` (real servers, real databases, real sockets), `e2e` (Chromium) and
 * `reliability` (attacks, crashes, kills). Every file runs in its own forked worker, so each has
 * its own process for the one embedded database a server may hold (db/client.ts).
 */
const serverProject = {
  pool: "forks" as const,
  testTimeout: 120_000,
  hookTimeout: 120_000,
  teardownTimeout: 30_000,
  fileParallelism: true,
  // Four files at a time on two cores: much of a server file's time is waiting (commits, sockets,
  // timers, child starts), so more files fill it. Measured: the integration project at load ~10,
  // 398 s with three, 452 s with two; the whole suite in CI, 827 s with three, 714 s
  // with four. One count for the whole group: vitest refuses projects of one groupOrder with
  // different maxWorkers. TEST_MAX_WORKERS changes it.
  maxWorkers: Number(process.env.TEST_MAX_WORKERS) || 4,
  // Unit files run first (their own pool); the server projects then share one pool of workers.
  sequence: { groupOrder: 1 },
  // Servers started in the worker (tests/support/inProcessServer.ts) run Next's production build.
  // Every process a test starts exits when its parent does (tests/support/exitWithParent.mjs).
  env: {
    NODE_ENV: "production" as const,
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${path.resolve(import.meta.dirname, "tests/support/exitWithParent.mjs")}`.trim(),
  },
};

export default defineConfig({
  test: {
    reporters: ["default", new SlowestFilesReporter()],
    globalSetup: ["tests/support/globalSetup.ts"],
    // The long files start first, whichever project they are in (longestFirstSequencer.ts).
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      { test: { name: "unit", include: ["tests/unit/**/*.test.ts"], pool: "threads", isolate: false } },
      { test: { ...serverProject, name: "integration", include: ["tests/integration/**/*.test.ts", "tests/bench/**/*.test.ts"] } },
      // A browser flow of a whole review (comments, three levels, sign-off) takes 60–115 s on
      // the 2-core CI machine under the suite's load; 120 s cut two of them there.
      { test: { ...serverProject, name: "e2e", include: ["tests/e2e/**/*.test.ts"], testTimeout: 300_000 } },
      { test: { ...serverProject, name: "reliability", include: ["tests/reliability/**/*.test.ts"] } },
    ],
  },
});
