import { performance } from "node:perf_hooks";
import type { Browser, BrowserContext } from "playwright-core";
import { chromeAvailable, CHROME_PATH, launchBrowser, signInPage } from "../../tests/support/browser";
import { DEMO_PASSWORD } from "../../tests/support/testServer";
import { sleep, waitFor } from "../../tests/support/wait";
import { keystrokeStages, summarizeStages } from "../browser/keystrokeStages";
import { BODY_TEXT, LOAD_PROBE, RECORD_ARRIVALS, RECORD_KEYDOWNS } from "../browser/pageProbes";
import { countPageCpu, type PageCpu } from "../browser/pageCpu";
import { profilePages } from "../browser/pageProfiler";
import { watchSocketFrames } from "../browser/socketFrames";
import { countScripts, type ScriptBytes } from "../browser/scriptBytes";
import { summarizeLatency } from "../lib/stats";
import type { OurServer } from "../servers/ourServer";
import { isSingleOurs, serverLabel, type ServerKind } from "../servers/serverUnderTest";
import { CaseRecorder } from "./caseRecorder";
import type { Scenario, ScenarioContext, TargetCheck } from "./scenario";

const KEYS_PER_SECOND = 5;
const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const CASE_TYPING = "keystroke on page A → painted on page B";
const CASE_LOAD = "editor page, cold cache";

function plan(smoke: boolean) {
  return smoke ? { keystrokes: 10, loads: 1 } : { keystrokes: 150, loads: 10 };
}

/** Opens the story in a fresh context with A's cookies (cold HTTP cache) and times it. */
async function loadEditorPage(browser: Browser, signedIn: BrowserContext, url: string) {
  const context = await browser.newContext({ storageState: await signedIn.storageState() });
  try {
    await context.addInitScript(LOAD_PROBE);
    const page = await context.newPage();
    const scripts = countScripts(page);
    await page.goto(url);
    const editableAt = await waitFor(() => page.evaluate("window.__bench.editableAt") as Promise<number | null>, {
      message: "the body editor to become editable",
      timeoutMs: 60_000,
    });
    await page.waitForLoadState("networkidle");
    return { editableMs: editableAt, scripts: await scripts() };
  } finally {
    await context.close();
  }
}

async function openEditor(context: BrowserContext, url: string) {
  const page = await context.newPage();
  const frames = await watchSocketFrames(page);
  await page.goto(url);
  await waitFor(() => page.evaluate("window.__bench.editableAt") as Promise<number | null>, { message: "editable", timeoutMs: 60_000 });
  return { page, frames };
}

type OpenEditor = Awaited<ReturnType<typeof openEditor>>;

/** A types letters at a steady rate; B reports when each one is painted. */
async function typeAndWatch(a: OpenEditor, b: OpenEditor, keystrokes: number) {
  const [pageA, pageB] = [a.page, b.page];
  await pageA.evaluate(RECORD_KEYDOWNS);
  await pageB.evaluate(RECORD_ARRIVALS);
  const body = pageA.getByTestId("body-editor");
  await body.click();
  await pageA.keyboard.press("Control+End");
  await sleep(300);
  await pageA.evaluate("window.__bench.keydowns.length = 0; window.__bench.updatesSent.length = 0");
  await pageB.evaluate("window.__bench.updatesReceived.length = 0");
  a.frames.reset();
  b.frames.reset();
  const stopProfiles = await profilePages({ typing: pageA, watching: pageB });
  const typingCpu = await countPageCpu(pageA);
  const watchingCpu = await countPageCpu(pageB);
  let typed = "";
  const interval = 1000 / KEYS_PER_SECOND;
  const start = performance.now();
  for (let i = 0; i < keystrokes; i++) {
    const key = LETTERS[i % LETTERS.length];
    await pageA.keyboard.press(key);
    typed += key;
    const next = start + (i + 1) * interval;
    await sleep(Math.max(0, next - performance.now()));
  }
  await waitFor(async () => ((await pageB.evaluate("window.__bench.arrivals.length")) as number) >= keystrokes, {
    message: "every keystroke to be painted on page B",
    timeoutMs: 30_000,
  });
  const cpu = { typing: await typingCpu(), watching: await watchingCpu() };
  await stopProfiles(`browser-${Date.now()}`);
  const keydowns = (await pageA.evaluate("window.__bench.keydowns")) as number[];
  const arrivals = (await pageB.evaluate("window.__bench.arrivals")) as number[];
  const stages = keystrokeStages({
    keydowns,
    sent: (await pageA.evaluate("window.__bench.updatesSent")) as number[],
    sentOnSocket: a.frames.sent,
    readFromSocket: b.frames.received,
    savedOnSocket: a.frames.saved,
    received: (await pageB.evaluate("window.__bench.updatesReceived")) as number[],
    changed: (await pageB.evaluate("window.__bench.mutations")) as number[],
    painted: arrivals,
  }).slice(0, keystrokes);
  return { typed, samples: arrivals.slice(0, keystrokes).map((at, i) => at - keydowns[i]), stages, cpu };
}

async function runOnce(server: OurServer, browser: Browser, keystrokes: number, loads: number) {
  const docName = await server.newDocument("浏览器测试");
  const url = `${server.url}/articles/${docName}`;
  const contextA = await browser.newContext();
  const contextB = await browser.newContext();
  try {
    for (const context of [contextA, contextB]) await context.addInitScript(LOAD_PROBE);
    await (await signInPage(contextA, server.url, "yaoyuchao", DEMO_PASSWORD)).close();
    await (await signInPage(contextB, server.url, "xuweixiang", DEMO_PASSWORD)).close();

    const pageLoads: { editableMs: number; scripts: ScriptBytes }[] = [];
    for (let i = 0; i < loads; i++) pageLoads.push(await loadEditorPage(browser, contextA, url));

    const a = await openEditor(contextA, url);
    const b = await openEditor(contextB, url);
    const [pageA, pageB] = [a.page, b.page];
    const { typed, samples, stages, cpu } = await typeAndWatch(a, b, keystrokes);

    const failures: string[] = [];
    const shownOnA = (await pageA.evaluate(BODY_TEXT)) as string;
    const shownOnB = (await pageB.evaluate(BODY_TEXT)) as string;
    if (!shownOnB.includes(typed) || shownOnA !== shownOnB) failures.push("page B does not show what page A typed");
    await waitFor(async () => (await server.storedText(docName))?.includes(typed), { message: "the typed text to be stored", timeoutMs: 30_000 }).catch(
      (err: Error) => failures.push(err.message),
    );
    return { samples, stages, cpu, pageLoads, failures };
  } finally {
    await contextA.close();
    await contextB.close();
  }
}

export const browserScenario: Scenario = {
  name: "browser",
  title: "6. Browser: two signed-in Chromium pages",
  async run(ctx: ScenarioContext) {
    const started = performance.now();
    const { keystrokes, loads } = plan(ctx.smoke);
    const ours = ctx.servers.filter(isSingleOurs);
    // The smoke pass only keeps the page working; one backend does that.
    const kinds = ctx.smoke ? ours.slice(0, 1) : ours;
    if (!chromeAvailable) {
      const message = `Chromium not found at ${CHROME_PATH}: browser scenario skipped (apt-get install -y chromium, or set CHROME_PATH)`;
      if (process.env.CI_REQUIRE_ALL === "1") throw new Error(`${message}; CI_REQUIRE_ALL=1 forbids skipping`);
      ctx.log(message);
      return { scenario: "browser", title: this.title, method: message, cases: [], targets: [], notes: [], durationS: 0, skipped: message };
    }
    const recorder = new CaseRecorder({ p50: "ms", p99: "ms", max: "ms", keystrokes: "", typingPageCpuMs: "ms", watchingPageCpuMs: "ms", editableMs: "ms", jsSentKiB: "KiB", jsGzipKiB: "KiB", jsRawKiB: "KiB", jsFiles: "", jsCompressedFiles: "" });
    // Chromium is started from this process, so it inherits the load core.
    const browser = await launchBrowser();
    try {
      for (const kind of kinds) {
        await ctx.pool.useOurs(kind, async (server) => {
          for (let run = 0; run < ctx.runs; run++) {
            try {
              const result = await runOnce(server, browser, keystrokes, loads);
              const s = summarizeLatency(result.samples);
              const perKey = (ms: number) => ms / Math.max(1, s.count);
              recorder.addRun(CASE_TYPING, kind, {
                p50: s.p50,
                p99: s.p99,
                max: s.max,
                keystrokes: s.count,
                typingPageCpuMs: perKey(result.cpu.typing.task),
                watchingPageCpuMs: perKey(result.cpu.watching.task),
              });
              for (const load of result.pageLoads) {
                recorder.addRun(CASE_LOAD, kind, {
                  editableMs: load.editableMs,
                  jsSentKiB: load.scripts.sent / 1024,
                  jsGzipKiB: load.scripts.gzip / 1024,
                  jsRawKiB: load.scripts.raw / 1024,
                  jsFiles: load.scripts.files,
                  jsCompressedFiles: load.scripts.compressed,
                });
              }
              for (const failure of result.failures) recorder.addFailure(CASE_TYPING, kind, `run ${run + 1}: ${failure}`);
              const first = result.pageLoads[0];
              ctx.log(`browser ${kind} run ${run + 1}: where a keystroke's time went, ${summarizeStages(result.stages)}`);
              const cpuLine = (name: string, cpu: PageCpu) =>
                `${name} ${perKey(cpu.task).toFixed(1)} ms (script ${perKey(cpu.script).toFixed(1)}, style+layout ${perKey(cpu.layout).toFixed(1)})`;
              ctx.log(`browser ${kind} run ${run + 1}: main-thread time per keystroke, ${cpuLine("typing page", result.cpu.typing)}, ${cpuLine("watching page", result.cpu.watching)}`);
              ctx.log(
                `browser ${kind} run ${run + 1}: keystroke→paint p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms; editable after ${first.editableMs.toFixed(0)} ms; JS sent ${(first.scripts.sent / 1024).toFixed(0)} KiB (${first.scripts.compressed}/${first.scripts.files} files compressed; gzip would be ${(first.scripts.gzip / 1024).toFixed(0)} KiB)`,
              );
            } catch (err) {
              recorder.addFailure(CASE_TYPING, kind, `run ${run + 1}: ${(err as Error).message}`);
              ctx.log(`browser ${kind} run ${run + 1} failed: ${(err as Error).message}`);
            }
          }
        });
      }
    } finally {
      await browser.close();
    }
    const cases = recorder.results();
    return {
      scenario: "browser",
      title: this.title,
      method: `Headless system Chromium (${CHROME_PATH}, the flags of DESIGN.md §7), pinned with the load generator. Two browser contexts sign in through /login as yaoyuchao and xuweixiang and open the same story. Page A presses ${keystrokes} letter keys at ${KEYS_PER_SECOND}/s at the end of the body; each is timed from its keydown on A to the animation frame on B that paints it (MutationObserver + requestAnimationFrame; both pages read performance.timeOrigin + performance.now(), one browser's clock). typingPageCpuMs and watchingPageCpuMs are the main-thread time of page A and page B over the typing (Chromium's TaskDuration counter in thread time, CDP Performance.getMetrics) per keystroke: what the pages themselves spend, which the machine's load moves less than the latency. Each run also logs where the keystrokes' time went (keystrokeStages.ts: A's page, the server with loopback, the hops between renderers and network service, B's apply, B's paint). Page load: a fresh context with A's cookies (cold HTTP cache) opens the editor ${loads}× per run; "editable" is ms from navigation start until [data-testid="body-editor"] is contenteditable. JavaScript is every script response of that load: bytes as sent on the wire, uncompressed, and what gzip -6 makes of them. Each run also checks both pages show the same text and the server stored it.`,
      cases,
      targets: browserTargets(cases, kinds),
      notes: [],
      durationS: (performance.now() - started) / 1000,
    };
  },
};

function browserTargets(cases: ReturnType<CaseRecorder["results"]>, kinds: ServerKind[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const kind of kinds) {
    const p99 = CaseRecorder.median(cases, CASE_TYPING, kind, "p99");
    checks.push({ target: `keystroke → painted p99 ≤ 50 ms, ${serverLabel(kind)}`, measured: `${p99.toFixed(1)} ms`, met: Number.isFinite(p99) ? p99 <= 50 : null });
    const sent = CaseRecorder.median(cases, CASE_LOAD, kind, "jsSentKiB");
    const gzip = CaseRecorder.median(cases, CASE_LOAD, kind, "jsGzipKiB");
    checks.push({
      target: `JavaScript for the editor page, compressed ≤ 350 KB, ${serverLabel(kind)}`,
      measured: `${((sent * 1024) / 1000).toFixed(0)} kB sent (gzip -6 of the same files: ${((gzip * 1024) / 1000).toFixed(0)} kB)`,
      met: Number.isFinite(sent) ? (sent * 1024) / 1000 <= 350 : null,
    });
  }
  return checks;
}
