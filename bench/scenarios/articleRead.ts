import { performance } from "node:perf_hooks";
import { summarizeLatency } from "../lib/stats";
import { connectClients, disconnectAll } from "../load/clientGroup";
import type { OurServer } from "../servers/ourServer";
import { isSingleOurs, serverLabel } from "../servers/serverUnderTest";
import { CaseRecorder } from "./caseRecorder";
import type { Scenario, ScenarioContext, TargetCheck } from "./scenario";

const TARGET_P99_MS = 20;
/** Keystrokes typed into the story before it is read (one commit batch each, a few pages). */
const EDITS = 2000;

function plan(smoke: boolean) {
  return smoke ? { warmup: 5, reads: 20 } : { warmup: 30, reads: 300 };
}

/** Reads the story one request after another; each request is timed from send to full body. */
async function timeReads(server: OurServer, id: string, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await fetch(`${server.url}/api/articles/${id}`, { headers: { cookie: server.cookie(0) } });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`GET /api/articles/:id answered ${response.status}`);
    samples.push(performance.now() - started);
  }
  return samples;
}

/** A story with EDITS stored edits; the writer stays connected (the story is open) or leaves. */
async function runOnce(server: OurServer, smoke: boolean) {
  const { warmup, reads } = plan(smoke);
  const id = await server.newDocument("读取测试");
  const [writer] = await connectClients(server, id, 1);
  const body = writer.doc.getXmlFragment("body");
  const { XmlElement, XmlText } = await import("yjs");
  const paragraph = new XmlElement("paragraph");
  const text = new XmlText();
  writer.doc.transact(() => {
    body.push([paragraph]);
    paragraph.push([text]);
  });
  for (let i = 0; i < (smoke ? 100 : EDITS); i++) {
    writer.doc.transact(() => text.insert(text.length, "字"));
    if (i % 50 === 49) await writer.whenCaughtUp(30_000);
  }
  await writer.whenCaughtUp(30_000);
  await timeReads(server, id, warmup);
  const open = summarizeLatency(await timeReads(server, id, reads));
  await disconnectAll([writer]);
  await timeReads(server, id, warmup);
  const closed = summarizeLatency(await timeReads(server, id, reads));
  return { open, closed };
}

export const articleReadScenario: Scenario = {
  name: "articleread",
  title: "9. GET /api/articles/:id, warm",
  async run(ctx: ScenarioContext) {
    const started = performance.now();
    const recorder = new CaseRecorder({ p50: "ms", p99: "ms", max: "ms" });
    const ours = ctx.servers.filter(isSingleOurs);
    for (let run = 0; run < ctx.runs; run++) {
      for (const kind of ours) {
        await ctx.pool.use([kind], async ([server]) => {
          try {
            const { open, closed } = await runOnce(server as OurServer, ctx.smoke);
            recorder.addRun("story open in a room", kind, { p50: open.p50, p99: open.p99, max: open.max });
            recorder.addRun("story closed", kind, { p50: closed.p50, p99: closed.p99, max: closed.max });
            ctx.log(`${serverLabel(kind)} run ${run + 1}: open p50 ${open.p50.toFixed(1)} p99 ${open.p99.toFixed(1)} ms; closed p50 ${closed.p50.toFixed(1)} p99 ${closed.p99.toFixed(1)} ms`);
          } catch (err) {
            recorder.addFailure("story open in a room", kind, `run ${run + 1}: ${(err as Error).message}`);
          }
        });
      }
    }
    const cases = recorder.results();
    const targets: TargetCheck[] = cases.map((c) => {
      const p99 = c.metrics.p99?.spread.median ?? Number.NaN;
      return { target: `p99 ≤ ${TARGET_P99_MS} ms, ${c.case}, ${serverLabel(c.server)}`, measured: `${p99.toFixed(1)} ms`, met: Number.isFinite(p99) ? p99 <= TARGET_P99_MS : null };
    });
    const { warmup, reads } = plan(ctx.smoke);
    return {
      scenario: "articleread",
      title: this.title,
      method: `A story with ${EDITS} stored keystrokes (one writer, acknowledged as saved). The signed-in reporter reads it with GET /api/articles/:id ${reads} times one after another after ${warmup} warm-up reads, first while the writer is still connected (the story is open in a room), then after the writer left. Each read is timed from request to the last byte of the answer.`,
      cases,
      targets,
      notes: [],
      durationS: (performance.now() - started) / 1000,
    };
  },
};
