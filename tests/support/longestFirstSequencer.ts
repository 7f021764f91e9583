import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Files that take minutes, longest first (the slowest-files report of CI runs on the 2-core
 * machine; a stale entry costs only speed). Vitest orders the server projects one after the
 * other by name, so the longest reliability files started last and one of them ran alone for
 * the last ~100 s of a run; started first, they overlap the many short files instead.
 */
const LONGEST_FIRST = [
  "tests/reliability/authMatrix.test.ts",
  "tests/bench/benchSmoke.test.ts",
  "tests/reliability/savedMeansSaved.test.ts",
  "tests/reliability/commitPath.test.ts",
  "tests/e2e/deskFlow.test.ts",
  "tests/integration/historyGuards.test.ts",
  "tests/reliability/webFront.test.ts",
  "tests/reliability/fuzz.test.ts",
  "tests/integration/durability.test.ts",
  "tests/integration/history.test.ts",
  "tests/reliability/firstContentRepeated.test.ts",
  "tests/reliability/failedLoad.test.ts",
];

/** Vitest's order (groups, then its own), with the known long files of each group first. */
export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const index = LONGEST_FIRST.indexOf(path.relative(spec.project.config.root, spec.moduleId).split(path.sep).join("/"));
      return index < 0 ? LONGEST_FIRST.length : index;
    };
    const group = (spec: TestSpecification) => spec.project.config.sequence.groupOrder ?? 0;
    return sorted
      .map((spec, order) => ({ spec, order }))
      .sort((a, b) => group(a.spec) - group(b.spec) || rank(a.spec) - rank(b.spec) || a.order - b.order)
      .map(({ spec }) => spec);
  }
}
