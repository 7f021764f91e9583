import type { ScenarioResult } from "../scenarios/scenario";
import { serverLabel, type ServerKind } from "../servers/serverUnderTest";
import { formatSpread } from "./format";
import type { ResultsFile } from "./writeReport";

/** Readable names for metric keys. */
const METRIC_LABELS: Record<string, string> = {
  p50: "latency p50",
  p95: "latency p95",
  p99: "latency p99",
  max: "latency max",
  deliveries: "deliveries measured",
  serverCpuPct: "server CPU",
  serverLoopP99: "server event-loop delay p99",
  loadLoopP99: "load process event-loop delay p99",
  messagesPerClientS: "messages received per client",
  updatesPerS: "edits sent",
  heapPerStoryKiB: "server heap per open story",
  rssPerStoryKiB: "server RSS per open story",
  heapStartMiB: "server heap before clients",
  heapLoadedMiB: "server heap, all stories open",
  heapAfterLeaveMiB: "server heap after all left",
  heapReturnPct: "heap after leaving vs before",
  saves: "saves measured",
  writtenPerReceived: "bytes written per byte received",
  logBytesPerUpdate: "log bytes per update",
  opens: "opens",
  ingestS: "history load time",
  rows: "log rows",
  snapshots: "snapshots stored",
  snapshotKiB: "largest snapshot",
  timedOut: "opens that did not sync in 120 s",
  keystrokes: "keystrokes",
  editableMs: "navigation → editable",
  jsSentKiB: "JavaScript sent",
  jsGzipKiB: "JavaScript, gzip -6",
  jsRawKiB: "JavaScript, uncompressed",
  jsFiles: "script files",
  jsCompressedFiles: "script files compressed",
  typistsAtSaturation: "typists at saturation",
  deliveredPerS: "deliveries/s at saturation",
  latencyP99: "latency p99 at saturation",
  serverSaturated: "server saturated first (1) or load (0)",
  addedP99: "latency p99 added vs 1 process (same run)",
  addedP50: "latency p50 added vs 1 process (same run)",
  databaseCommitsPerS: "PostgreSQL transactions/s",
  deliveredUpdatesPerS: "delivered updates/s",
  serverCpuSumPct: "server CPU, sum over processes",
  busiestCpuPct: "server CPU, busiest process",
  redisCpuPct: "Redis CPU",
  serverLoopP99Worst: "server event-loop delay p99, worst process",
};

const label = (metric: string) => METRIC_LABELS[metric] ?? metric;

function scenarioTable(result: ScenarioResult): string {
  const servers = [...new Set(result.cases.map((c) => c.server))] as ServerKind[];
  const caseNames = [...new Set(result.cases.map((c) => c.case))];
  const lines = [
    `| case | metric | ${servers.map((s) => serverLabel(s)).join(" | ")} |`,
    `|---|---|${servers.map(() => "---|").join("")}`,
  ];
  for (const name of caseNames) {
    const ofCase = result.cases.filter((c) => c.case === name);
    const metrics = [...new Set(ofCase.flatMap((c) => Object.keys(c.metrics)))];
    for (const metric of metrics) {
      const cells = servers.map((server) => {
        const c = ofCase.find((x) => x.server === server);
        if (!c) return "n/a";
        const m = c.metrics[metric];
        const value = m ? `${formatSpread(m.spread)}${m.unit && m.unit !== "" ? ` ${m.unit}` : ""}` : "–";
        return c.converged ? value : `${value} ⚠`;
      });
      lines.push(`| ${name} | ${label(metric)} | ${cells.join(" | ")} |`);
    }
  }
  return lines.join("\n");
}

function targetTable(result: ScenarioResult): string {
  if (result.targets.length === 0) return "";
  const lines = ["| target | measured (median) | |", "|---|---|---|"];
  for (const t of result.targets) {
    lines.push(`| ${t.target} | ${t.measured} | ${t.met === null ? "not measured" : t.met ? "met" : "**missed**"} |`);
  }
  return lines.join("\n");
}

function failures(result: ScenarioResult): string {
  if (result.error) return `**Could not run:** ${result.error.split("\n")[0]}`;
  if (result.skipped) return `**Skipped:** ${result.skipped}`;
  const failed = result.cases.filter((c) => !c.converged);
  if (failed.length === 0) return "Every run converged (all clients, a fresh client, and for ours the stored text).";
  return [
    "**Runs that failed** (⚠ in the table):",
    ...failed.map((c) => `- ${c.case}, ${serverLabel(c.server)}: ${c.failures.join("; ")}`),
  ].join("\n");
}

/** The generated part of docs/BENCHMARKS.md. */
export function renderResults(file: ResultsFile, jsonLink: string): string {
  const m = file.machine;
  const parts = [
    `Results of ${file.date} (updated ${file.updatedAt}); raw numbers in [${jsonLink}](${jsonLink}).`,
    "",
    `Machine: ${m.nproc} cores (${m.cpuModel}), ${m.memoryGiB} GiB memory, ${m.os}, Node ${m.node}; ${file.pinning}. ` +
      "Each cell is the median over the scenario's runs, with min–max in brackets when there was more than one.",
    "",
    `Versions: ${Object.entries(file.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}.`,
  ];
  for (const result of Object.values(file.scenarios)) {
    parts.push(
      "",
      `### ${result.title}`,
      "",
      `${result.method} Runs per case: ${result.runs ?? file.runsPerCase}.${result.measuredAt ? ` Measured ${result.measuredAt.slice(0, 16).replace("T", " ")} UTC.` : ""}`,
      "",
      scenarioTable(result),
      "",
      targetTable(result),
      "",
      failures(result),
      ...(result.notes.length ? ["", ...result.notes.map((n) => `- ${n}`)] : []),
    );
  }
  return parts.join("\n").replace(/\n{3,}/g, "\n\n");
}
