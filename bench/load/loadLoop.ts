import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

/**
 * Event-loop delay of this (the load) process during a run. When it is high, the latencies
 * measured here include our own queueing, and the table says so.
 */
export class LoadLoopMonitor {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 5 });

  start(): void {
    this.histogram.reset();
    this.histogram.enable();
  }

  stop(): { p99: number; max: number } {
    this.histogram.disable();
    return { p99: this.histogram.percentile(99) / 1e6, max: this.histogram.max / 1e6 };
  }
}
