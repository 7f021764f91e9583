import type { ScenarioResult } from "../scenarios/scenario";
import { serverLabel } from "../servers/serverUnderTest";
import { formatSpread } from "./format";

/** A short text summary on the console after each scenario. */
export function printSummary(result: ScenarioResult): void {
  if (result.error) console.log(`  COULD NOT RUN: ${result.error}`);
  for (const c of result.cases) {
    const metrics = Object.entries(c.metrics)
      .map(([name, m]) => `${name} ${formatSpread(m.spread)}${m.unit}`)
      .join(", ");
    console.log(`  ${c.case} | ${serverLabel(c.server)} | ${metrics}${c.converged ? "" : " | FAILED"}`);
  }
  for (const t of result.targets) {
    console.log(`  target ${t.met === null ? "n/a " : t.met ? "met " : "MISSED"}: ${t.target}: ${t.measured}`);
  }
  console.log(`  (${result.durationS.toFixed(0)} s)`);
}
