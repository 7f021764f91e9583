import { connectClient, type CollabClient } from "./collabClient";
import { percentile, startServerProbe, type ProbeReport } from "./serverProbe";
import type { TestServer } from "./testServer";
import { waitFor } from "./wait";

/**
 * A colleague at work in another story while an attack runs (issue 10): she types a character
 * every `intervalMs`, and a probe in its own process watches the server's answers and memory.
 * What an attack must never take from her: every keystroke saved, and a server that answers.
 */
export interface Bystander {
  readonly client: CollabClient;
  /** Stops typing and probing; waits (up to `savedTimeoutMs`) for her last keystroke to be saved. */
  stop(savedTimeoutMs?: number): Promise<BystanderReport>;
}

export interface BystanderReport {
  /** Keystrokes she typed during the attack. */
  typed: number;
  /** Whether the server's saved vector covers every one of them when she stops. */
  allSaved: boolean;
  /** Probe requests the server answered, and those that failed or took over 10 s. */
  answered: number;
  failedProbes: number;
  /** Longest and p99 wait for a probe answer (ms): printed, never asserted (DESIGN.md §7). */
  longestGapMs: number;
  p99Ms: number;
  /** Resident memory growth of the server process over the attack (MB). */
  rssGrowthMb: number;
  probe: ProbeReport;
}

export interface BystanderOptions {
  /** The server's process id (for memory); the in-process PID when the server runs in the test. */
  pid: number;
  intervalMs?: number;
}

/**
 * Starts the colleague: a stock WebsocketProvider signed in with `cookie`, already synced on
 * `articleId`, typing on a timer. Call `stop()` after the attack and assert on the report.
 */
export async function startBystander(
  server: Pick<TestServer, "url">,
  cookie: string,
  articleId: string,
  { pid, intervalMs = 100 }: BystanderOptions,
): Promise<Bystander> {
  const client = connectClient(server.url, articleId, cookie);
  await client.waitSynced();
  const probe = startServerProbe(server.url, pid, 50);
  let typed = 0;
  const timer = setInterval(() => {
    client.type("字");
    typed += 1;
  }, intervalMs);
  return {
    client,
    async stop(savedTimeoutMs = 60_000) {
      clearInterval(timer);
      const allSaved = await waitFor(() => client.isSaved(), { timeoutMs: savedTimeoutMs, message: "bystander saved" })
        .then(() => true)
        .catch(() => false);
      const report = await probe.stop();
      const answered = report.latencies.filter((ms) => ms < 10_000).length;
      const rss = report.rssKb;
      return {
        typed,
        allSaved,
        answered,
        failedProbes: report.failures,
        longestGapMs: Math.round(Math.max(0, ...report.latencies)),
        p99Ms: Math.round(percentile(report.latencies, 99)),
        rssGrowthMb: rss.length > 0 ? Math.round((Math.max(...rss) - rss[0]) / 1024) : 0,
        probe: report,
      };
    },
  };
}

/** One figure line for the test log (docs/RELIABILITY.md quotes these). */
export function printBystanderFigures(label: string, report: BystanderReport): void {
  console.log(
    `[figures] ${label}: bystander typed ${report.typed}, all saved ${report.allSaved}; ` +
      `probe answered ${report.answered}, failed ${report.failedProbes}, longest gap ${report.longestGapMs} ms, ` +
      `p99 ${report.p99Ms} ms; RSS growth ${report.rssGrowthMb} MB`,
  );
}
