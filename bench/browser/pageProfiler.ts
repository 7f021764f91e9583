import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";

/**
 * CPU profiles of pages over CDP (Chromium's Profiler domain), for finding where the
 * keystroke → paint time goes: `BENCH_BROWSER_PROFILE=<dir> npm run bench -- browser` writes one
 * .cpuprofile per page and run (summarize: npx tsx bench/profileSummary.ts FILE).
 */
export async function profilePages(pages: Record<string, Page>): Promise<(runLabel: string) => Promise<string[]>> {
  const dir = process.env.BENCH_BROWSER_PROFILE;
  if (!dir) return async () => [];
  const sessions = await Promise.all(
    Object.entries(pages).map(async ([name, page]) => {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Profiler.enable");
      // 100 µs sampling: a keystroke's work is a few ms.
      await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
      await cdp.send("Profiler.start");
      return { name, cdp };
    }),
  );
  return async (runLabel) => {
    fs.mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    for (const { name, cdp } of sessions) {
      const { profile } = await cdp.send("Profiler.stop");
      const file = path.join(dir, `${runLabel}-${name}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(profile));
      files.push(file);
      await cdp.detach();
    }
    return files;
  };
}
