import fs from "node:fs";
import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Seconds the slowest server files took in a clean CI run (the slowest-files table printed at
 * the end of every run; update it when that table moves). Files not listed are shorter.
 */
const KNOWN_SECONDS: Record<string, number> = {
  "tests/bench/benchSmoke.test.ts": 168,
  "tests/reliability/authMatrix.test.ts": 164,
  "tests/reliability/savedMeansSaved.test.ts": 149,
  "tests/e2e/deskFlow.test.ts": 149,
  "tests/reliability/commitPath.test.ts": 129,
  "tests/reliability/webFront.test.ts": 100,
  "tests/reliability/fuzz.test.ts": 83,
  "tests/integration/historyGuards.test.ts": 74,
  "tests/integration/durability.test.ts": 66,
  "tests/reliability/firstContentRepeated.test.ts": 64,
  "tests/reliability/socketBudgets.test.ts": 58,
  "tests/integration/history.test.ts": 57,
  "tests/reliability/httpFront.test.ts": 53,
  "tests/reliability/failedLoad.test.ts": 52,
};

/**
 * Longest files first across the server projects. Vitest's own order runs the projects one
 * after another by name (e2e, integration, reliability) and, without a results cache (a clean
 * clone, as in CI), each by file size: the longest reliability files started after ten minutes
 * and the run waited on them alone (CI: savedMeansSaved started at 554 s, 707 s in all, for
 * 619 s of work per worker). Four workers share the files, so starting the longest first
 * leaves short ones to fill the end. Unit files still come first (their own group).
 */
export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = process.cwd();
    const expected = new Map(
      files.map((file) => {
        const relative = path.relative(root, file.moduleId).split(path.sep).join("/");
        // Unlisted files: after every listed one, larger files first (a rough stand-in for time).
        const known = KNOWN_SECONDS[relative];
        return [file, known ?? fs.statSync(file.moduleId).size / 1e6] as const;
      }),
    );
    return [...files].sort(
      (a, b) => a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder || expected.get(b)! - expected.get(a)!,
    );
  }
}
