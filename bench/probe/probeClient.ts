import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { waitFor } from "../../tests/support/wait";

/** Where probes announce their ports; one folder per harness process. */
export const PROBE_DIR = path.join(os.tmpdir(), `newsroom-bench-probe-${process.pid}`);

// The port files are only for this run.
process.once("exit", () => fs.rmSync(PROBE_DIR, { recursive: true, force: true }));

const PROBE_MODULE = path.resolve(import.meta.dirname, "serverProbe.mjs");

/** Environment that makes a spawned Node process load the probe (see serverProbe.mjs). */
export function probeEnv(): Record<string, string> {
  const existing = process.env.NODE_OPTIONS ?? "";
  return {
    NODE_OPTIONS: `${existing} --import=${PROBE_MODULE}`.trim(),
    BENCH_PROBE_DIR: PROBE_DIR,
    BENCH_PROBE_OWNER: "1",
  };
}

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** What scenarios read from a server under test: one process (Probe) or several (ProbeGroup). */
export interface ServerProbe {
  loopDelay(): Promise<LoopDelay>;
  memoryAfterGc(): Promise<NodeJS.MemoryUsage>;
  cpu(): Promise<NodeJS.CpuUsage>;
  startProfile(): Promise<unknown>;
  stopProfile(file: string): Promise<unknown>;
}

/** Talks to the probe inside one server process. */
export class Probe implements ServerProbe {
  private constructor(private readonly base: string) {}

  /** Waits for the probe of process `pid` to announce its port. */
  static async attach(pid: number): Promise<Probe> {
    const file = path.join(PROBE_DIR, `${pid}.port`);
    const port = await waitFor(() => fs.existsSync(file) && fs.readFileSync(file, "utf8"), {
      message: `probe of process ${pid}`,
      timeoutMs: 30_000,
    });
    return new Probe(`http://127.0.0.1:${port}`);
  }

  private async get<T>(route: string): Promise<T> {
    const response = await fetch(`${this.base}${route}`);
    return (await response.json()) as T;
  }

  /** Event-loop delay since the last reset; resets the histogram. */
  loopDelay(): Promise<LoopDelay> {
    return this.get("/loop?reset=1");
  }

  /** Memory after a forced full GC, so heap comparisons are not GC timing noise. */
  memoryAfterGc(): Promise<NodeJS.MemoryUsage> {
    return this.get("/memory?gc=1");
  }

  /** CPU time used by the process so far, in microseconds. */
  cpu(): Promise<NodeJS.CpuUsage> {
    return this.get("/cpu");
  }

  startProfile(): Promise<unknown> {
    return this.get("/profile/start");
  }

  stopProfile(file: string): Promise<unknown> {
    return this.get(`/profile/stop?file=${encodeURIComponent(file)}`);
  }
}

/**
 * The probes of several server processes (a cluster) read as one server: CPU time and memory
 * are the sums over the processes (CPU can exceed one core), event-loop delay is the worst
 * process's (each percentile is the maximum of the processes' percentiles). `members` gives
 * the per-process numbers.
 */
export class ProbeGroup implements ServerProbe {
  constructor(readonly members: readonly Probe[]) {}

  async loopDelay(): Promise<LoopDelay> {
    const all = await Promise.all(this.members.map((p) => p.loopDelay()));
    const worst = (key: keyof LoopDelay) => Math.max(...all.map((d) => d[key]));
    return { p50: worst("p50"), p99: worst("p99"), max: worst("max"), mean: worst("mean") };
  }

  async memoryAfterGc(): Promise<NodeJS.MemoryUsage> {
    const all = await Promise.all(this.members.map((p) => p.memoryAfterGc()));
    const sum = (key: keyof NodeJS.MemoryUsage) => all.reduce((n, m) => n + m[key], 0);
    return { rss: sum("rss"), heapTotal: sum("heapTotal"), heapUsed: sum("heapUsed"), external: sum("external"), arrayBuffers: sum("arrayBuffers") };
  }

  async cpu(): Promise<NodeJS.CpuUsage> {
    const all = await this.cpuEach();
    return { user: all.reduce((n, c) => n + c.user, 0), system: all.reduce((n, c) => n + c.system, 0) };
  }

  /** CPU time of each process so far, in microseconds. */
  cpuEach(): Promise<NodeJS.CpuUsage[]> {
    return Promise.all(this.members.map((p) => p.cpu()));
  }

  startProfile(): Promise<unknown> {
    return Promise.all(this.members.map((p) => p.startProfile()));
  }

  /** One file per process: `<file>` with `-p<index>` before the extension. */
  stopProfile(file: string): Promise<unknown> {
    return Promise.all(this.members.map((p, i) => p.stopProfile(file.replace(/(\.cpuprofile)?$/, `-p${i}$1`))));
  }
}
