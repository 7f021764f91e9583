import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

/**
 * Event-loop delay of this (the load) process during a run. When it is high, the latencies
 * measured here include our own queueing, and the table says so.
 */
const RESOLUTION_MS = 10;

export class LoadLoopMonitor {
  // The histogram records whole timer intervals; the delay is what exceeds the resolution.
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  start(): void {
    this.histogram.reset();
    this.histogram.enable();
  }

  stop(): { p99: number; max: number } {
    this.histogram.disable();
    const delay = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    return { p99: delay(this.histogram.percentile(99)), max: delay(this.histogram.max) };
  }
}
