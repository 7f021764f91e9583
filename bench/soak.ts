// `npm run soak [-- scenario…]`: the reliability scenarios of tests/reliability at their long
// sizes (SOAK=1): 200 SIGKILLs, 1,000 convergence rounds, 1,000 simultaneous openings. Same
// code as CI runs, only the counts differ. Method and figures: docs/RELIABILITY.md.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../tests/support/testServer";
import { adoptPostgresUrl } from "./lib/postgresUrl";

/** Scenario name (or the promise's number in issue 7) → its test file. */
const SCENARIOS: Record<string, string> = {
  savedMeansSaved: "tests/reliability/savedMeansSaved.test.ts",
  failedLoad: "tests/reliability/failedLoad.test.ts",
  firstContentRepeated: "tests/reliability/firstContentRepeated.test.ts",
  randomConvergence: "tests/reliability/randomConvergence.test.ts",
};
const BY_PROMISE: Record<string, string> = { "1": "savedMeansSaved", "2": "failedLoad", "3": "firstContentRepeated", "8": "randomConvergence" };

const USAGE = `usage: npm run soak [-- scenario…]
  scenarios: ${Object.keys(SCENARIOS).join(" ")} (or the promise numbers 1 2 3 8); default: all
  sizes (environment; SOAK=1 defaults in brackets):
    RELIABILITY_KILLS [200]  RELIABILITY_FAILED_LOAD_REPEATS [10]
    RELIABILITY_OPEN_ROUNDS [1000]  RELIABILITY_OPEN_RESTARTS [10]
    RELIABILITY_CONVERGENCE_ROUNDS [1000]  RELIABILITY_CONVERGENCE_CHECK_EVERY [100]
    RELIABILITY_SEED=<n> replays a schedule; TEST_DATABASE_URL (or DATABASE_URL) adds PostgreSQL`;

const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "");

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const names = args.map((arg) => BY_PROMISE[arg] ?? arg);
  const unknown = names.filter((name) => !SCENARIOS[name]);
  if (unknown.length > 0) {
    console.error(`unknown scenario ${unknown.join(", ")}\n${USAGE}`);
    return 2;
  }
  if (!fs.existsSync(path.join(PROJECT_ROOT, ".next", "BUILD_ID"))) {
    console.error("no production build: run `npm run build` first (the server runs as users run it)");
    return 2;
  }
  const postgresUrl = adoptPostgresUrl();
  if (!postgresUrl) {
    console.log("PostgreSQL runs skipped: set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to add them");
  }
  const files = (names.length > 0 ? names : Object.keys(SCENARIOS)).map((name) => SCENARIOS[name]);

  const started = Date.now();
  const figures: string[] = [];
  const vitest = path.join(PROJECT_ROOT, "node_modules", ".bin", "vitest");
  const child = spawn(vitest, ["run", ...files], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, SOAK: "1", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let pending = "";
  child.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const plain = stripAnsi(line).trim();
      if (/^promise \d+ \(/.test(plain)) figures.push(plain);
    }
  });
  const code = await new Promise<number>((resolve) => child.on("exit", (exitCode) => resolve(exitCode ?? 1)));

  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  console.log(`\nsoak finished in ${minutes} min (${code === 0 ? "all passed" : `vitest exit code ${code}`}); figures:`);
  for (const figure of figures) console.log(`  ${figure}`);
  if (figures.length === 0) console.log("  (none printed)");
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
