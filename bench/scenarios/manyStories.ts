import { performance } from "node:perf_hooks";
import { sleep, waitFor } from "../../tests/support/wait";
import type { BenchClient } from "../clients/benchClient";
import { checkConvergence } from "../load/convergence";
import { connectClients, disconnectAll } from "../load/clientGroup";
import { DeliveryLatency } from "../load/deliveryLatency";
import { LoadLoopMonitor } from "../load/loadLoop";
import { SteadyWriter } from "../load/steadyWriter";
import { mapLimit } from "../lib/mapLimit";
import { summarizeLatency } from "../lib/stats";
import { benchRoomIdleMs } from "../lib/roomIdle";
import { serverLabel, type ServerKind, type ServerUnderTest } from "../servers/serverUnderTest";
import { CaseRecorder } from "./caseRecorder";
import type { Scenario, ScenarioContext, TargetCheck } from "./scenario";

const CLIENTS_PER_STORY = 3;
const WRITE_INTERVAL_MS = 1000;
const MiB = 1024 * 1024;
/** Load-process event-loop delay p99 above which latencies say more about the load than the server. */
const LOAD_BOUND_MS = 50;

function plan(smoke: boolean) {
  return smoke ? { stories: 5, durationMs: 1000 } : { stories: 500, durationMs: 20_000 };
}

/** How long after the last client leaves a server has unloaded everything (ours: idle time). */
const unloadWaitMs = (smoke = false) => benchRoomIdleMs() + (smoke ? 1000 : 3000);

async function runOnce(server: ServerUnderTest, stories: number, durationMs: number, smoke: boolean, log: (m: string) => void) {
  const docs = await mapLimit(Array.from({ length: stories }), 4, (_, i) => server.newDocument(`稿件 ${i + 1}`));
  const start = await server.probe.memoryAfterGc();

  const groups: BenchClient[][] = [];
  const connectStarted = performance.now();
  for (const doc of docs) groups.push(await connectClients(server, doc, CLIENTS_PER_STORY));
  log(`  ${server.kind}: ${stories * CLIENTS_PER_STORY} clients connected in ${((performance.now() - connectStarted) / 1000).toFixed(1)} s`);
  const all = groups.flat();
  try {
    const writers = groups.map((group) => group.map((client) => new SteadyWriter(client)));
    await waitFor(() => groups.every((group) => group.every((c) => c.doc.getXmlFragment("body").length >= CLIENTS_PER_STORY)), {
      message: "every writer's paragraph to reach its story",
      timeoutMs: 60_000,
    });
    const loaded = await server.probe.memoryAfterGc();

    const latency = new DeliveryLatency();
    const unwatch = all.map((c) => latency.watch(c.doc));
    const loadLoop = new LoadLoopMonitor();
    await server.probe.loopDelay();
    const cpuBefore = await server.probe.cpu();
    const t0 = performance.now();
    loadLoop.start();
    await Promise.all(writers.flat().map((w) => w.writeFor(WRITE_INTERVAL_MS, durationMs, (at, clock) => latency.recordSend(w.client.doc, at, clock))));
    // Let the last edits arrive before the window closes.
    await waitFor(() => latency.samples.length >= latency.sentCount * (CLIENTS_PER_STORY - 1), { message: "last deliveries", timeoutMs: 30_000 }).catch(() => {});
    const elapsedMs = performance.now() - t0;
    const load = loadLoop.stop();
    const serverLoop = await server.probe.loopDelay();
    const cpuAfter = await server.probe.cpu();
    unwatch.forEach((stop) => stop());

    const failures: string[] = [];
    const expected = latency.sentCount * (CLIENTS_PER_STORY - 1);
    if (latency.samples.length !== expected) failures.push(`${latency.samples.length} of ${expected} deliveries seen`);
    const checks = await mapLimit(docs, 8, (doc, i) => checkConvergence(server, doc, groups[i], writers[i].map((w) => w.written)));
    const diverged = checks.filter((c) => !c.ok);
    if (diverged.length > 0) failures.push(`${diverged.length} of ${stories} stories did not converge: ${diverged[0].detail}`);

    await disconnectAll(all);
    await sleep(unloadWaitMs(smoke));
    const left = await server.probe.memoryAfterGc();

    const summary = summarizeLatency(latency.samples);
    const cpuMs = (cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system) / 1000;
    return {
      failures,
      values: {
        p50: summary.p50,
        p99: summary.p99,
        max: summary.max,
        updatesPerS: latency.sentCount / (elapsedMs / 1000),
        serverCpuPct: (cpuMs / elapsedMs) * 100,
        heapPerStoryKiB: (loaded.heapUsed - start.heapUsed) / stories / 1024,
        rssPerStoryKiB: (loaded.rss - start.rss) / stories / 1024,
        heapStartMiB: start.heapUsed / MiB,
        heapLoadedMiB: loaded.heapUsed / MiB,
        heapAfterLeaveMiB: left.heapUsed / MiB,
        heapReturnPct: ((left.heapUsed - start.heapUsed) / start.heapUsed) * 100,
        serverLoopP99: serverLoop.p99,
        loadLoopP99: load.p99,
      },
    };
  } finally {
    // Normally already closed; after a failure this frees the sockets.
    for (const client of all) client.destroy();
  }
}

export const manyStoriesScenario: Scenario = {
  name: "stories",
  title: "3. Many stories: 500 stories × 3 clients, one update per second each",
  async run(ctx: ScenarioContext) {
    const started = performance.now();
    const { stories, durationMs } = plan(ctx.smoke);
    const name = `${stories} stories × ${CLIENTS_PER_STORY} clients`;
    const recorder = new CaseRecorder({
      p50: "ms",
      p99: "ms",
      max: "ms",
      updatesPerS: "/s",
      serverCpuPct: "%",
      heapPerStoryKiB: "KiB",
      rssPerStoryKiB: "KiB",
      heapStartMiB: "MiB",
      heapLoadedMiB: "MiB",
      heapAfterLeaveMiB: "MiB",
      heapReturnPct: "%",
      serverLoopP99: "ms",
      loadLoopP99: "ms",
    });
    for (let run = 0; run < ctx.runs; run++) {
      // A fresh server per run: the heap comparison needs a server that has not held stories.
      for (const kind of ctx.servers) {
        await ctx.pool.use([kind], async ([server]) => {
          try {
            const result = await runOnce(server, stories, durationMs, ctx.smoke, ctx.log);
            recorder.addRun(name, kind, result.values);
            for (const failure of result.failures) recorder.addFailure(name, kind, `run ${run + 1}: ${failure}`);
            const v = result.values;
            ctx.log(
              `stories ${kind} run ${run + 1}: p50 ${v.p50.toFixed(2)} ms, p99 ${v.p99.toFixed(2)} ms, ${v.heapPerStoryKiB.toFixed(0)} KiB heap/story, heap after leave ${v.heapReturnPct.toFixed(1)}% vs start${result.failures.length ? ` FAILED: ${result.failures.join("; ")}` : ""}`,
            );
          } catch (err) {
            recorder.addFailure(name, kind, `run ${run + 1}: ${(err as Error).message}`);
            ctx.log(`stories ${kind} run ${run + 1} failed: ${(err as Error).message}`);
          }
        });
      }
    }
    const cases = recorder.results();
    return {
      scenario: "stories",
      title: this.title,
      method: `${stories} stories, ${CLIENTS_PER_STORY} clients each (one socket per client), every client writing one character per second into its own paragraph for ${durationMs / 1000} s (no carets). Latency is typist → each of the other two clients, as in scenario 1. Memory comes from the server process itself (heap after a forced full GC, via the probe loaded with --import): before any client connects, with every story loaded, and ${unloadWaitMs() / 1000} s after every client has left (our room idle time is ${benchRoomIdleMs()} ms). A fresh server process for every run.`,
      cases,
      targets: storiesTargets(cases, name, ctx.servers),
      notes: [
        "y-websocket 2.1.0 without persistence never unloads a document (the in-memory docs are its only copy), so its heap cannot return; that is its design, not a leak.",
      ],
      durationS: (performance.now() - started) / 1000,
    };
  },
};

/** Issue 12's target for 500 stories × 3 writers (issue 5 asked 10 ms). */
const P99_TARGET_MS = 50;

export function storiesTargets(cases: ReturnType<CaseRecorder["results"]>, name: string, servers: ServerKind[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const kind of servers.filter((s) => s.startsWith("ours"))) {
    const p99 = CaseRecorder.median(cases, name, kind, "p99");
    const loadLoop = CaseRecorder.median(cases, name, kind, "loadLoopP99");
    const serverLoop = CaseRecorder.median(cases, name, kind, "serverLoopP99");
    // A late load loop with a healthy server means the latency is mostly our own queueing; a
    // server that is itself late (and then floods the clients) is judged as measured.
    const loadBound = loadLoop > LOAD_BOUND_MS && serverLoop <= LOAD_BOUND_MS;
    checks.push({
      target: `p99 ≤ ${P99_TARGET_MS} ms, ${serverLabel(kind)}`,
      measured: `${p99.toFixed(2)} ms${loadBound ? ` (load process event-loop p99 ${loadLoop.toFixed(0)} ms: load-bound, not judged)` : ""}`,
      met: Number.isFinite(p99) && !loadBound ? p99 <= P99_TARGET_MS : null,
    });
    const back = CaseRecorder.median(cases, name, kind, "heapReturnPct");
    checks.push({ target: `heap within 10% of start after everyone leaves, ${serverLabel(kind)}`, measured: `${back >= 0 ? "+" : ""}${back.toFixed(1)}%`, met: Number.isFinite(back) ? back <= 10 : null });
  }
  return checks;
}
