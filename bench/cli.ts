/** What `npm run bench -- …` asked for. */
export interface BenchOptions {
  /** Scenario names; empty means every scenario. */
  scenarios: string[];
  /** Tiny sizes, one run, no results written: keeps the harness working in CI. */
  smoke: boolean;
  /** Runs per case (median of these); default 3, 1 in smoke mode. */
  runs: number;
  /** Write bench/results/<date>.json and the table in docs/BENCHMARKS.md. */
  write: boolean;
  /** Servers to leave out (e.g. --skip hocuspocus). */
  skip: string[];
  /** Only regenerate docs/BENCHMARKS.md from the newest results file. */
  reportOnly: boolean;
  /** Record a CPU profile of our server during each scenario, into bench/results/profiles/. */
  profile: boolean;
}

export const USAGE = `usage: npm run bench -- [scenario…] [--smoke] [--runs N] [--no-write] [--skip SERVER] [--profile]
  scenarios: fanout, saturation, stories, coldopen, durability, browser (default: all)
  --smoke     tiny sizes, one run, nothing written; exits 1 if any run fails to converge
              (also BENCH_SMOKE=1)
  --runs N    runs per case; the table shows the median and min–max (default 3)
  --no-write  print results without writing bench/results/ and docs/BENCHMARKS.md
  --skip S    leave a server out: ours-pglite, ours-postgres, y-websocket, hocuspocus
  --profile   CPU-profile our server during each scenario (bench/results/profiles/)
  --report    only regenerate the table in docs/BENCHMARKS.md from the newest results file`;

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const options: BenchOptions = { scenarios: [], smoke: env.BENCH_SMOKE === "1", runs: 0, write: true, skip: [], profile: false, reportOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--smoke") options.smoke = true;
    else if (arg === "--no-write") options.write = false;
    else if (arg === "--profile") options.profile = true;
    else if (arg === "--report") options.reportOnly = true;
    else if (arg === "--runs") options.runs = Number(argv[++i]);
    else if (arg === "--skip") options.skip.push(argv[++i]);
    else if (arg === "--help" || arg === "-h") throw new UsageError(USAGE);
    else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}\n${USAGE}`);
    else options.scenarios.push(arg);
  }
  if (!options.runs) options.runs = options.smoke ? 1 : 3;
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new UsageError(`--runs needs a positive integer\n${USAGE}`);
  if (options.smoke) options.write = false;
  return options;
}

export class UsageError extends Error {}
