// The benchmark harness's smoke pass (docs/BENCHMARKS.md) as part of the suite, so CI keeps
// every scenario runnable: tiny sizes, one run, nothing written. It asserts that the pass exits
// 0 and that every scenario ran and converged; it asserts no timing (the numbers of a smoke
// pass on a shared CI machine mean nothing).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SCENARIOS } from "../../bench/scenarios";
import { COMPILED_SERVER_ENV, compiledServerEntry, PROJECT_ROOT, storeTemplates, TEMPLATE_ENV } from "../support/testServer";

/** About 3–4 minutes here with PostgreSQL, Redis and Chromium; CI machines are slower and shared. */
const SMOKE_TIMEOUT_MS = 15 * 60_000;

interface SummaryCase {
  case: string;
  server: string;
  runs: number;
  converged: boolean;
  failures: string[];
}
interface SummaryScenario {
  scenario: string;
  error: string | null;
  skipped: string | null;
  /** Wall time of the scenario: printed, so the slow part of the pass is seen, never judged. */
  durationS: number;
  cases: SummaryCase[];
}

/**
 * The environment of `npm run bench` started from a shell: this worker's, without what vitest
 * adds (VITEST*, NODE_ENV=test, TEST), which the harness's own modules must not mistake for
 * running inside a test worker.
 */
async function benchEnv(): Promise<NodeJS.ProcessEnv> {
  const added = (key: string, value: string | undefined) =>
    key.startsWith("VITEST") || (key === "NODE_ENV" && value === "test") || (key === "TEST" && value === "true");
  const env = Object.fromEntries(Object.entries(process.env).filter(([key, value]) => !added(key, value)));
  return { ...env, ...(await templateEnv()), NEXT_TELEMETRY_DISABLED: "1" } as unknown as NodeJS.ProcessEnv;
}

/**
 * The run's store templates and compiled server entry, so the harness's servers skip creating
 * their databases and start without the TypeScript loader.
 */
async function templateEnv(): Promise<Record<string, string>> {
  const compiled = await compiledServerEntry();
  const entry: Record<string, string> = compiled ? { [COMPILED_SERVER_ENV]: compiled } : {};
  const templates = await storeTemplates();
  if (!templates) return entry;
  return { ...entry, [TEMPLATE_ENV.pgliteDir]: templates.pgliteDir, [TEMPLATE_ENV.postgresDatabase]: templates.postgresDatabase };
}

/** Runs `node --import tsx bench/run.ts …` (what `npm run bench -- …` runs) to its end. */
async function runBench(args: string[], timeoutMs: number): Promise<{ code: number | null; signal: string | null; output: string }> {
  const env = await benchEnv();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/run.ts", ...args], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    // SIGTERM: the harness stops the servers it started, then exits.
    const timer = setTimeout(() => {
      output += `\n[benchSmoke] no end after ${timeoutMs / 1000} s: SIGTERM`;
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 20_000).unref();
    }, timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

const tail = (text: string, lines = 80) => text.split("\n").slice(-lines).join("\n");

describe("benchmark harness", () => {
  it(
    "runs every scenario's smoke pass to convergence (no timing asserted)",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "newsroom-bench-smoke-"));
      const summaryFile = path.join(dir, "summary.json");
      try {
        const started = Date.now();
        const { code, signal, output } = await runBench(["--smoke", "--summary", summaryFile], SMOKE_TIMEOUT_MS - 60_000);
        console.log(`bench smoke pass: ${((Date.now() - started) / 1000).toFixed(0)} s, exit ${code ?? signal}`);
        expect(code, `bench --smoke exited ${code ?? signal}:\n${tail(output)}`).toBe(0);
        expect(fs.existsSync(summaryFile), `no summary written:\n${tail(output)}`).toBe(true);

        const summary = JSON.parse(fs.readFileSync(summaryFile, "utf8")) as SummaryScenario[];
        console.log(
          summary
            .map(
              (s) =>
                `  ${s.scenario}: ${s.error ? "could not run" : s.skipped ? `skipped (${s.skipped})` : `${s.cases.filter((c) => c.converged).length}/${s.cases.length} cases converged`}` +
                ` (${s.durationS.toFixed(0)} s)`,
            )
            .join("\n"),
        );
        expect(summary.map((s) => s.scenario)).toEqual(SCENARIOS.map((s) => s.name));
        for (const scenario of summary) {
          expect(scenario.error, `${scenario.scenario} could not run`).toBeNull();
          if (scenario.skipped) {
            // Only without an optional piece (PostgreSQL, Chromium, the trace); under
            // CI_REQUIRE_ALL=1 the harness fails instead of skipping.
            console.warn(`bench smoke: ${scenario.scenario} skipped: ${scenario.skipped}`);
            continue;
          }
          expect(scenario.cases.length, `${scenario.scenario} ran no case`).toBeGreaterThan(0);
          for (const c of scenario.cases) {
            expect(c.runs, `${scenario.scenario}: ${c.case} on ${c.server} has no run`).toBeGreaterThan(0);
            expect(c.converged, `${scenario.scenario}: ${c.case} on ${c.server}: ${c.failures.join("; ")}`).toBe(true);
          }
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    SMOKE_TIMEOUT_MS,
  );
});
