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

/** Talks to the probe inside one server process. */
export class Probe {
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
