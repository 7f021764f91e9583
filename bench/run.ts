// `npm run bench [-- scenario… --smoke --runs N]`: runs our server and the peers side by side
// and reports medians over runs. See docs/BENCHMARKS.md for the method.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../tests/support/testServer";
import { parseArgs, UsageError, type BenchOptions } from "./cli";
import { canPin, LOAD_CORE, pinProcess } from "./lib/cpuPin";
import { adoptPostgresUrl } from "./lib/postgresUrl";
import { rerenderLatest, writeReport } from "./report/writeReport";
import { printSummary } from "./report/consoleSummary";
import { SCENARIOS } from "./scenarios";
import type { ScenarioResult } from "./scenarios/scenario";
import { ServerPool } from "./servers/serverPool";
import type { OurBaseKind, ServerKind } from "./servers/serverUnderTest";

function selectServers(options: BenchOptions, postgres: boolean): ServerKind[] {
  const ours: OurBaseKind[] = ["ours-pglite", ...(postgres ? (["ours-postgres"] as const) : [])];
  // Each variant sits right after its default, so the two take turns next to each other.
  const all: ServerKind[] = [
    ...ours.flatMap((kind): ServerKind[] => [kind, ...options.variants.map((v): ServerKind => `${kind}+${v}`)]),
    "y-websocket",
    "hocuspocus",
  ];
  // Skipping a backend skips its variants too; the cluster scenario picks its own servers.
  return all.filter((kind) => !options.skip.includes(kind) && !options.skip.includes(kind.split("+")[0]));
}

/**
 * Which server code a scenario measured: the commit, and any uncommitted changes to what the
 * server runs (others may be editing while a long run goes on; each server start loads the
 * files as they are then).
 */
function serverCodeNote(): string {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: PROJECT_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const head = git("log", "-1", "--format=%h %s");
    const dirty = git("status", "--porcelain", "--", "server", "app", "db", "newsroom")
      .split("\n")
      .filter(Boolean)
      .map((line) => line.slice(3));
    const changes = dirty.length === 0 ? "" : `, with uncommitted changes to ${dirty.slice(0, 5).join(", ")}${dirty.length > 5 ? ` and ${dirty.length - 5} more` : ""}`;
    return `server code when the scenario started: ${head}${changes}`;
  } catch {
    return "server code: not a git checkout";
  }
}

async function main(): Promise<number> {
  // Every y-websocket provider adds a process "exit" listener; hundreds of clients are expected.
  process.setMaxListeners(0);
  const options = parseArgs(process.argv.slice(2), process.env);
  // The servers and scenarios read it (bench/lib/roomIdle.ts): --smoke and BENCH_SMOKE=1 agree.
  if (options.smoke) process.env.BENCH_SMOKE = "1";
  if (options.reportOnly) {
    const written = rerenderLatest();
    console.log(`table regenerated from ${written.json} into ${written.markdown}`);
    return 0;
  }
  const unknown = options.scenarios.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) throw new UsageError(`unknown scenario ${unknown.join(", ")}; known: ${SCENARIOS.map((s) => s.name).join(", ")}`);
  const postgresUrl = adoptPostgresUrl();
  if (!postgresUrl) console.log("PostgreSQL runs skipped: set DATABASE_URL or TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)");
  const servers = selectServers(options, postgresUrl !== null);
  if (servers.some((s) => s.startsWith("ours")) && !fs.existsSync(path.join(PROJECT_ROOT, ".next", "BUILD_ID"))) {
    throw new UsageError("no production build: run `npm run build` first (our server runs as users run it)");
  }
  if (canPin()) pinProcess(process.pid, LOAD_CORE);
  if (options.profile) {
    process.env.BENCH_PROFILE_DIR = path.join(PROJECT_ROOT, "bench", "results", "profiles", new Date().toISOString().replace(/[:.]/g, "-"));
    console.log(`CPU profiles of our server go to ${process.env.BENCH_PROFILE_DIR} (summarize: npx tsx bench/profileSummary.ts FILE)`);
  }

  const chosen = options.scenarios.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => options.scenarios.includes(s.name));
  const startedAt = new Date();
  const results: ScenarioResult[] = [];
  const pool = new ServerPool(options.smoke);
  try {
    for (const scenario of chosen) {
      console.log(`\n== ${scenario.title}${options.smoke ? " (smoke)" : ""}`);
      const startLoad = os.loadavg();
      const code = serverCodeNote();
      const result = await scenario
        .run({ smoke: options.smoke, runs: options.runs, servers, pool, log: (message) => console.log(`  ${message}`) })
        .catch((err: Error): ScenarioResult => ({
          scenario: scenario.name,
          title: scenario.title,
          method: "",
          cases: [],
          targets: [],
          notes: [],
          durationS: 0,
          error: err.stack ?? err.message,
        }));
      // Other work on the machine skews every number; say how busy it was.
      result.notes.push(`load average (1, 5, 15 min) when the scenario started: ${startLoad.map((l) => l.toFixed(2)).join(", ")}`);
      result.notes.push(code);
      result.runs = options.runs;
      results.push(result);
      printSummary(result);
    }
  } finally {
    await pool.close();
  }

  if (options.summaryFile) writeSummary(options.summaryFile, results);
  if (options.write) {
    const written = writeReport(results, { startedAt, runs: options.runs });
    console.log(`\nresults: ${written.json}\ntable:   ${written.markdown}`);
  }
  // A scenario that ran no case at all (and was not knowingly skipped) measured nothing.
  const failed = results.flatMap((r) => [
    ...(!r.error && !r.skipped && r.cases.length === 0 ? [`${r.scenario}: ran no case`] : []),
    ...(r.error ? [`${r.scenario}: could not run: ${r.error}`] : []),
    ...r.cases.filter((c) => !c.converged).map((c) => `${r.scenario}: ${c.case} on ${c.server}: ${c.failures.join("; ")}`),
  ]);
  if (failed.length > 0) {
    console.error(`\n${failed.length} case(s) failed:\n  ${failed.join("\n  ")}`);
    return 1;
  }
  console.log(`\nbench: ${results.length} scenario(s) ran, every run converged`);
  return 0;
}

/** What a caller (the smoke test) needs to check a run without parsing the console. */
function writeSummary(file: string, results: ScenarioResult[]): void {
  const summary = results.map((r) => ({
    scenario: r.scenario,
    error: r.error ?? null,
    skipped: r.skipped ?? null,
    durationS: r.durationS,
    cases: r.cases.map((c) => ({ case: c.case, server: c.server, runs: c.runs.length, converged: c.converged, failures: c.failures })),
  }));
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
}

main().then(
  // Providers and timers would keep the process alive; everything is stopped by now.
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof UsageError ? err.message : err);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
