import type { CDPSession, Page } from "playwright-core";

/** Main-thread time a page spent, from Chromium's own counters (CDP Performance.getMetrics, seconds). */
export interface PageCpu {
  /** Every task of the page's main thread: script, style, layout, paint setup, everything. */
  task: number;
  /** JavaScript alone. */
  script: number;
  /** Style recalculation and layout. */
  layout: number;
}

const COUNTERS = { task: "TaskDuration", script: "ScriptDuration", style: "RecalcStyleDuration", layout: "LayoutDuration" } as const;

async function read(cdp: CDPSession): Promise<PageCpu> {
  const { metrics } = await cdp.send("Performance.getMetrics");
  const value = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  return { task: value(COUNTERS.task), script: value(COUNTERS.script), layout: value(COUNTERS.style) + value(COUNTERS.layout) };
}

/**
 * Starts counting the main-thread time of `page`; the returned function gives the time spent
 * since, in ms. Chromium keeps these counters anyway (no sampling, unlike a CPU profile), so
 * they cost the page nothing and are steadier than wall-clock latency on a busy machine.
 */
export async function countPageCpu(page: Page): Promise<() => Promise<PageCpu>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
  const start = await read(cdp);
  return async () => {
    const end = await read(cdp);
    await cdp.detach();
    return { task: (end.task - start.task) * 1000, script: (end.script - start.script) * 1000, layout: (end.layout - start.layout) * 1000 };
  };
}
