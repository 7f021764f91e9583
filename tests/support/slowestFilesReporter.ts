import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";

/** How many files the closing table lists. */
const SHOWN = 10;

/**
 * Prints the slowest test files of the run at its end, so a suite drifting back towards the
 * old 40 minutes is seen file by file (issue 11). Durations are printed, never judged.
 */
export default class SlowestFilesReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rows = testModules
      .map((module) => ({
        file: `${path.relative(process.cwd(), module.moduleId)} [${module.project.name}]`,
        seconds: module.diagnostic().duration / 1000,
      }))
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, SHOWN);
    if (rows.length === 0) return;
    const lines = rows.map((row) => `  ${row.seconds.toFixed(1).padStart(7)} s  ${row.file}`);
    console.log(`\nslowest ${rows.length} test files:\n${lines.join("\n")}`);
  }
}
