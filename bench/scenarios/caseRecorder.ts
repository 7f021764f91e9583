import { round, spread } from "../lib/stats";
import type { ServerKind } from "../servers/serverUnderTest";
import type { CaseResult } from "./scenario";

/** Collects the runs of every (case, server) pair and turns them into medians with min–max. */
export class CaseRecorder {
  private readonly entries = new Map<string, { case: string; server: ServerKind; runs: Record<string, number>[]; failures: string[] }>();

  constructor(private readonly units: Record<string, string>) {}

  private entry(caseName: string, server: ServerKind) {
    const key = `${caseName}\u0000${server}`;
    let entry = this.entries.get(key);
    if (!entry) this.entries.set(key, (entry = { case: caseName, server, runs: [], failures: [] }));
    return entry;
  }

  addRun(caseName: string, server: ServerKind, values: Record<string, number>): void {
    this.entry(caseName, server).runs.push(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, round(v, 3)])));
  }

  addFailure(caseName: string, server: ServerKind, failure: string): void {
    this.entry(caseName, server).failures.push(failure);
  }

  results(): CaseResult[] {
    return [...this.entries.values()].map((entry) => {
      const names = [...new Set(entry.runs.flatMap((run) => Object.keys(run)))];
      const metrics = Object.fromEntries(
        names.map((name) => {
          const s = spread(entry.runs.map((run) => run[name] ?? Number.NaN));
          return [name, { spread: { ...s, median: round(s.median, 3), min: round(s.min, 3), max: round(s.max, 3) }, unit: this.units[name] ?? "" }];
        }),
      );
      return {
        case: entry.case,
        server: entry.server,
        metrics,
        runs: entry.runs,
        converged: entry.failures.length === 0,
        failures: entry.failures,
      };
    });
  }

  /** Median of one metric for one case and server, or NaN. */
  static median(cases: CaseResult[], caseName: string, server: ServerKind, metric: string): number {
    return cases.find((c) => c.case === caseName && c.server === server)?.metrics[metric]?.spread.median ?? Number.NaN;
  }
}
