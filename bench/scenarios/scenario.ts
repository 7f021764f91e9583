import type { Spread } from "../lib/stats";
import type { ServerPool } from "../servers/serverPool";
import type { ServerKind } from "../servers/serverUnderTest";

/** One measured quantity of one case on one server, over several runs. */
export interface MetricResult {
  /** Headline: median over runs, with min–max. */
  spread: Spread;
  unit: string;
}

/** One configuration (e.g. "20 clients, 5 typists") on one server. */
export interface CaseResult {
  case: string;
  server: ServerKind;
  metrics: Record<string, MetricResult>;
  /** Every run's raw values, for anyone who wants more than the median. */
  runs: Record<string, number>[];
  /** False when any run failed to converge (or failed outright). */
  converged: boolean;
  failures: string[];
}

/** A target from the issue, checked against this run's numbers. Never lowered to pass. */
export interface TargetCheck {
  target: string;
  measured: string;
  /** null when it could not be measured (say why in `measured`). */
  met: boolean | null;
}

export interface ScenarioResult {
  scenario: string;
  title: string;
  method: string;
  cases: CaseResult[];
  targets: TargetCheck[];
  notes: string[];
  durationS: number;
  /** Runs per case behind the medians (set by the runner). */
  runs?: number;
  /** Set when the scenario could not run at all (the message says why). */
  error?: string;
  /** Set when the scenario did not run for want of something optional (PostgreSQL, Chromium). */
  skipped?: string;
  /** When its numbers were measured (set when the results file is written). */
  measuredAt?: string;
}

export interface ScenarioContext {
  smoke: boolean;
  runs: number;
  /** Servers to compare; scenarios start the ones they support. */
  servers: ServerKind[];
  /** Fresh servers per scenario in a measuring run; shared ones in the smoke pass. */
  pool: ServerPool;
  log(message: string): void;
}

export interface Scenario {
  name: string;
  title: string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}
