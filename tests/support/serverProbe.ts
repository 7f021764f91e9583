import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "./testServer";

/**
 * Watches a server from outside, in its own small process so the test's own busy event loop
 * cannot show up as the server's: every `intervalMs` it starts a tiny HTTP request
 * (`GET /api/auth/csrf`, an event-loop-delay proxy: it waits for whatever the server's loop is
 * busy with; open loop, so a stall counts for every request it held up) and reads the server
 * process's resident memory (VmRSS) and open file descriptors.
 */
const PROBE_SCRIPT = `
import fs from "node:fs";
const [url, pid, intervalMs] = process.argv.slice(1);
const latencies = [], rssKb = [], fds = [];
let failures = 0, inFlight = 0;
const rss = () => { try { return Number(/VmRSS:\\s+(\\d+)/.exec(fs.readFileSync("/proc/" + pid + "/status", "utf8"))[1]); } catch { return null; } };
const fdCount = () => { try { return fs.readdirSync("/proc/" + pid + "/fd").length; } catch { return null; } };
const probe = async () => {
  const started = performance.now();
  inFlight++;
  try {
    const response = await fetch(url + "/api/auth/csrf", { signal: AbortSignal.timeout(10000) });
    await response.arrayBuffer();
    if (!response.ok) failures++;
    latencies.push(performance.now() - started);
  } catch { failures++; latencies.push(10000); }
  inFlight--;
};
// Open loop: a request every intervalMs whether or not the last one was answered, so a stalled
// server is measured by everyone it kept waiting (no coordinated omission); but at most 8 in
// flight. With 500 allowed, a server slowed by a loaded 2-core machine below the probe's rate
// was buried under the probe's own backlog (Next still serves a request its client gave up on),
// and a room's admission waited minutes behind it. A stall still shows: the 8 held requests
// carry its length.
const timer = setInterval(() => {
  if (inFlight < 8) void probe();
  const r = rss(); if (r !== null) rssKb.push(r);
  const f = fdCount(); if (f !== null) fds.push(f);
}, Number(intervalMs));
// The test that started this probe died without stopping it: nothing will read the report.
process.stdin.on("end", () => process.exit(0));
process.stdin.on("data", async () => {
  clearInterval(timer);
  while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  process.stdout.write(JSON.stringify({ latencies, rssKb, fds, failures }), () => process.exit(0));
});
`;

export interface ProbeReport {
  /** Milliseconds per probe request (10 000 for one that failed or timed out). */
  latencies: number[];
  rssKb: number[];
  fds: number[];
  failures: number;
}

export interface ServerProbe {
  stop(): Promise<ProbeReport>;
}

export function startServerProbe(baseUrl: string, pid: number, intervalMs = 50): ServerProbe {
  const child = spawn(process.execPath, ["--input-type=module", "-e", PROBE_SCRIPT, baseUrl, String(pid), String(intervalMs)], {
    cwd: PROJECT_ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    async stop() {
      child.stdin!.write("stop\n");
      await exited;
      return JSON.parse(output) as ProbeReport;
    },
  };
}

/** The p-th percentile (0–100) of some numbers, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Resident memory of a process now, in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/**
 * The server's own event-loop delay, measured inside the server process, in ms: how long an
 * event arriving at a random moment waited for the loop (loopDelayMonitor.mjs).
 */
export interface LoopDelay {
  /** The process measured (the server's). */
  pid: number;
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * Environment for startTestServer that preloads loopDelayMonitor.mjs into the server process:
 * it measures the server's event-loop delay from inside, without touching server code, and
 * keeps its summary in `file`.
 */
export function loopDelayEnv(file: string): Record<string, string> {
  const monitor = path.join(PROJECT_ROOT, "tests/support/loopDelayMonitor.mjs");
  return {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${monitor}`.trim(),
    LOOP_DELAY_FILE: file,
  };
}

/** Starts a new measurement (the monitor clears its samples within 250 ms). */
export async function resetLoopDelay(file: string): Promise<void> {
  fs.writeFileSync(`${file}.reset`, "");
  const deadline = Date.now() + 5000;
  while (fs.existsSync(`${file}.reset`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** The summary as last written (every 250 ms); waits for a fresh write first. */
export async function readLoopDelay(file: string): Promise<LoopDelay> {
  await new Promise((r) => setTimeout(r, 300));
  return JSON.parse(fs.readFileSync(file, "utf8")) as LoopDelay;
}
