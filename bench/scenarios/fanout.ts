import { performance } from "node:perf_hooks";
import { waitFor } from "../../tests/support/wait";
import { checkConvergence } from "../load/convergence";
import { connectClients, disconnectAll } from "../load/clientGroup";
import { DeliveryLatency } from "../load/deliveryLatency";
import { LoadLoopMonitor } from "../load/loadLoop";
import { Typist } from "../load/typist";
import { summarizeLatency } from "../lib/stats";
import { serverLabel, type ServerKind, type ServerUnderTest } from "../servers/serverUnderTest";
import { CaseRecorder } from "./caseRecorder";
import type { Scenario, ScenarioContext, TargetCheck } from "./scenario";

export const CHARS_PER_SECOND = 5;

export interface FanoutCase {
  clients: number;
  typists: number;
}

export const caseName = (c: FanoutCase) => `${c.clients} clients, ${c.typists} typing`;

/**
 * Extra numbers read over the same window as the server CPU (from just before the first
 * keystroke to after convergence): the cluster scenario's per-process CPU and Redis.
 */
export interface WindowMeter {
  start(): Promise<void>;
  /** The typists have stopped (convergence checks, with their HTTP reads, come next). */
  typed?(): Promise<void>;
  stop(elapsedS: number): Promise<Record<string, number>>;
}

function plan(smoke: boolean): { cases: FanoutCase[]; durationMs: number } {
  if (smoke) return { cases: [{ clients: 4, typists: 2 }], durationMs: 1500 };
  return {
    cases: [
      { clients: 20, typists: 5 },
      { clients: 20, typists: 10 },
      { clients: 100, typists: 5 },
      { clients: 100, typists: 10 },
    ],
    durationMs: 10_000,
  };
}

/** One run: connect, type with carets for the duration, wait for convergence, measure. */
export async function runFanoutOnce(server: ServerUnderTest, c: FanoutCase, durationMs: number, meter?: WindowMeter) {
  const docName = await server.newDocument("扇出测试");
  const clients = await connectClients(server, docName, c.clients);
  try {
    const typists = clients.slice(0, c.typists).map((client, i) => new Typist(client, `typist-${i}`));
    // Every typist's paragraph is everywhere before the clock starts.
    await waitFor(() => clients.every((cl) => cl.doc.getXmlFragment("body").length >= c.typists), {
      message: "typists' paragraphs to reach everyone",
    });

    const latency = new DeliveryLatency();
    const unwatch = clients.map((cl) => latency.watch(cl.doc));
    const loadLoop = new LoadLoopMonitor();
    await server.probe.loopDelay();
    const cpuBefore = await server.probe.cpu();
    await meter?.start();
    const receivedBefore = clients.reduce((n, cl) => n + cl.received.messages, 0);
    const startedAt = performance.now();
    loadLoop.start();
    await Promise.all(
      typists.map((t) => t.typeFor(CHARS_PER_SECOND, durationMs, (k) => latency.recordSend(t.client.doc, k.startedAt, k.clockAfter))),
    );
    await meter?.typed?.();
    const convergence = await checkConvergence(server, docName, clients, typists.map((t) => t.typed));
    const elapsedS = (performance.now() - startedAt) / 1000;
    const load = loadLoop.stop();
    const cpuAfter = await server.probe.cpu();
    const extra = (await meter?.stop(elapsedS)) ?? {};
    const receivedMessages = clients.reduce((n, cl) => n + cl.received.messages, 0) - receivedBefore;
    const serverLoop = await server.probe.loopDelay();
    unwatch.forEach((stop) => stop());

    const expected = latency.sentCount * (c.clients - 1);
    const summary = summarizeLatency(latency.samples);
    const cpuMs = (cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system) / 1000;
    return {
      convergence,
      delivered: summary.count,
      expected,
      values: {
        p50: summary.p50,
        p99: summary.p99,
        max: summary.max,
        deliveries: summary.count,
        serverCpuPct: (cpuMs / (elapsedS * 1000)) * 100,
        // Everything the server sent each client per second: updates, awareness, acks.
        messagesPerClientS: receivedMessages / c.clients / elapsedS,
        serverLoopP99: serverLoop.p99,
        loadLoopP99: load.p99,
        ...extra,
      },
    };
  } finally {
    await disconnectAll(clients);
  }
}

export const fanoutScenario: Scenario = {
  name: "fanout",
  title: "1. Fan-out: one story, typists with carets",
  async run(ctx: ScenarioContext) {
    const started = performance.now();
    const { cases, durationMs } = plan(ctx.smoke);
    const recorder = new CaseRecorder({
      p50: "ms",
      p99: "ms",
      max: "ms",
      deliveries: "",
      serverCpuPct: "%",
      messagesPerClientS: "/s",
      serverLoopP99: "ms",
      loadLoopP99: "ms",
    });
    await ctx.pool.use(ctx.servers, async (servers) => {
      for (let run = 0; run < ctx.runs; run++) {
        for (const c of cases) {
          // Servers take turns inside each run so drift over time hits them all alike.
          for (const server of servers) {
            const name = caseName(c);
            try {
              const result = await runFanoutOnce(server, c, durationMs);
              recorder.addRun(name, server.kind, result.values);
              if (!result.convergence.ok) recorder.addFailure(name, server.kind, `run ${run + 1}: ${result.convergence.detail}`);
              else if (result.delivered !== result.expected) {
                recorder.addFailure(name, server.kind, `run ${run + 1}: ${result.delivered} of ${result.expected} deliveries seen`);
              }
              ctx.log(
                `fanout ${name} ${server.kind} run ${run + 1}: p50 ${result.values.p50.toFixed(2)} ms, p99 ${result.values.p99.toFixed(2)} ms, server CPU ${result.values.serverCpuPct.toFixed(0)}%, server loop p99 ${result.values.serverLoopP99.toFixed(1)} ms, ${result.values.messagesPerClientS.toFixed(0)} msgs/client/s, load loop p99 ${result.values.loadLoopP99.toFixed(1)} ms${result.convergence.ok ? "" : " NOT CONVERGED"}`,
              );
            } catch (err) {
              recorder.addFailure(name, server.kind, `run ${run + 1}: ${(err as Error).message}`);
              ctx.log(`fanout ${name} ${server.kind} run ${run + 1} failed: ${(err as Error).message}`);
            }
          }
        }
      }
    });
    const results = recorder.results();
    return {
      scenario: "fanout",
      title: this.title,
      method: `One story; N clients (stock providers, one socket each) of which T type ${CHARS_PER_SECOND} characters/s into their own paragraph for ${durationMs / 1000} s, moving their awareness caret on every keystroke. Latency is from the typist's local transaction to the moment each other client has integrated the edit (its state vector for the typist reaches the edit's clock), all on the load process's performance.now(). Each run then checks that all clients, a fresh client and (ours) GET /api/articles/:id hold the same text.`,
      cases: results,
      targets: fanoutTargets(results, cases, ctx.servers),
      notes: [],
      durationS: (performance.now() - started) / 1000,
    };
  },
};

/** Issue 12's targets: within 1.3× the better peer's p99 in every case; 100 clients / 10 typing p99 ≤ 50 ms. */
const PEER_RATIO_TARGET = 1.3;
const LARGE_CASE_P99_TARGET_MS = 50;

function fanoutTargets(results: ReturnType<CaseRecorder["results"]>, cases: FanoutCase[], servers: ServerKind[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const ours = servers.filter((s) => s.startsWith("ours"));
  const peers = servers.filter((s) => !s.startsWith("ours"));
  for (const c of cases) {
    const name = caseName(c);
    // The better peer of this case: the lower median p99.
    const peerP99s = peers.map((peer) => ({ peer, p99: CaseRecorder.median(results, name, peer, "p99") })).filter((p) => Number.isFinite(p.p99));
    const better = peerP99s.sort((a, b) => a.p99 - b.p99)[0];
    for (const own of ours) {
      const p99 = CaseRecorder.median(results, name, own, "p99");
      if (c.clients === 100 && c.typists === 10) {
        checks.push({
          target: `p99 ≤ ${LARGE_CASE_P99_TARGET_MS} ms, ${name}, ${serverLabel(own)}`,
          measured: `${p99.toFixed(2)} ms`,
          met: Number.isFinite(p99) ? p99 <= LARGE_CASE_P99_TARGET_MS : null,
        });
      }
      if (!better) continue;
      const ratio = p99 / better.p99;
      checks.push({
        target: `p99 ≤ ${PEER_RATIO_TARGET}× the better peer (${serverLabel(better.peer)}), ${name}, ${serverLabel(own)}`,
        measured: `${ratio.toFixed(2)}× (${p99.toFixed(1)} vs ${better.p99.toFixed(1)} ms)`,
        met: Number.isFinite(ratio) ? ratio <= PEER_RATIO_TARGET : null,
      });
    }
  }
  return checks;
}
