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
  /**
   * Settings to measure our server with besides its defaults: each adds, for every backend of
   * ours in the run, a server "ours-<backend>+SETTINGS" next to the default one (e.g.
   * "COLLAB_COMMIT_DELAY_MS=0"; several settings joined by commas).
   */
  variants: string[];
  /** Also write a short JSON summary (scenario, cases, convergence) here; works with --smoke. */
  summaryFile: string | null;
}

export const USAGE = `usage: npm run bench -- [scenario…] [--smoke] [--runs N] [--no-write] [--skip SERVER] [--variant NAME=VALUE] [--profile]
  scenarios: fanout, saturation, stories, coldopen, durability, browser, cluster, dbdriver, articleread (default: all)
  --smoke     tiny sizes, one run, nothing written; exits 1 if any run fails to converge
              (also BENCH_SMOKE=1)
  --runs N    runs per case; the table shows the median and min–max (default 3)
  --no-write  print results without writing bench/results/ and docs/BENCHMARKS.md
  --skip S    leave a server out: ours-pglite, ours-postgres, y-websocket, hocuspocus
              (or a variant by its full name, e.g. ours-postgres+COLLAB_COMMIT_DELAY_MS=0)
  --variant V also run our server with the settings V (NAME=VALUE[,NAME=VALUE]) next to its
              defaults, as its own column (e.g. --variant COLLAB_COMMIT_DELAY_MS=0)
  --summary F write a JSON summary (scenarios, cases, convergence) to F; also with --smoke
  --profile   CPU-profile our server during each scenario (bench/results/profiles/)
  --report    only regenerate the table in docs/BENCHMARKS.md from the newest results file`;

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const options: BenchOptions = {
    scenarios: [],
    smoke: env.BENCH_SMOKE === "1",
    runs: 0,
    write: true,
    skip: [],
    profile: false,
    reportOnly: false,
    variants: [],
    summaryFile: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--smoke") options.smoke = true;
    else if (arg === "--no-write") options.write = false;
    else if (arg === "--profile") options.profile = true;
    else if (arg === "--report") options.reportOnly = true;
    else if (arg === "--runs") options.runs = Number(argv[++i]);
    else if (arg === "--skip") options.skip.push(argv[++i]);
    else if (arg === "--variant") options.variants.push(argv[++i] ?? "");
    else if (arg === "--summary") options.summaryFile = argv[++i] ?? null;
    else if (arg === "--help" || arg === "-h") throw new UsageError(USAGE);
    else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}\n${USAGE}`);
    else options.scenarios.push(arg);
  }
  if (!options.runs) options.runs = options.smoke ? 1 : 3;
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new UsageError(`--runs needs a positive integer\n${USAGE}`);
  if (options.smoke) options.write = false;
  for (const variant of options.variants) {
    if (!/^[A-Z][A-Z0-9_]*=[^,]*(,[A-Z][A-Z0-9_]*=[^,]*)*$/.test(variant)) throw new UsageError(`--variant needs NAME=VALUE[,NAME=VALUE]: ${variant}\n${USAGE}`);
  }
  if (options.summaryFile === "") throw new UsageError(`--summary needs a file\n${USAGE}`);
  return options;
}

export class UsageError extends Error {}
