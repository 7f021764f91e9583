import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { PGlite } from "@electric-sql/pglite";
import WebSocket from "ws";
import { PROJECT_ROOT, TEMPLATE_ENV } from "../../tests/support/testServer";
import { trackChild } from "../lib/childRegistry";
import { pinProcess, SERVER_CORE } from "../lib/cpuPin";
import { summarizeLatency } from "../lib/stats";
import { CaseRecorder } from "./caseRecorder";
import type { Scenario, ScenarioContext } from "./scenario";

/**
 * The ways of running the embedded database compared: PGlite on the event loop (before issue
 * 12), PGlite in a worker thread (the choice), the same with fsync at commit, and PGlite behind
 * @electric-sql/pglite-socket in a child process with node-postgres (only when
 * PGLITE_SOCKET_DIR names a folder where that package is installed: it is no dependency).
 */
const DRIVERS = ["main", "worker", "worker-fsync", "socket"] as const;
type Driver = (typeof DRIVERS)[number];
const LABELS: Record<Driver, string> = {
  main: "PGlite on the event loop",
  worker: "PGlite in a worker thread",
  "worker-fsync": "PGlite in a worker thread, fsync at commit",
  socket: "pglite-socket child process + pg",
};
/** The relay stand-in: one small message every this many ms, echoed by the probe's event loop. */
const PING_EVERY_MS = 5;

interface ProbeRun {
  commitsPerS: number;
  readsPerS: number;
  relayP50: number;
  relayP99: number;
  relayMax: number;
}

/**
 * Starts the probe child for one driver, pins it like our server (unless `pin` is false: the
 * smoke pass, whose probes run side by side), measures one window.
 */
async function measure(driver: Driver, template: string, windowMs: number, socketDir: string | undefined, pin = true): Promise<ProbeRun> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-dbdriver-"));
  fs.cpSync(template, dataDir, { recursive: true });
  const entry = path.join(PROJECT_ROOT, "bench", "dbDriver", "driverProbe.ts");
  const child = spawn(process.execPath, ["--import", "tsx", entry, driver, dataDir, String(windowMs), socketDir ?? ""], {
    cwd: PROJECT_ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  trackChild(child);
  let output = "";
  const lines = new Promise<{ port: number; result: Promise<Record<string, number>> }>((resolveReady, reject) => {
    let resolveResult: (value: Record<string, number>) => void;
    const result = new Promise<Record<string, number>>((r) => (resolveResult = r));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready (\d+)/.exec(output);
      if (ready) resolveReady({ port: Number(ready[1]), result });
      const done = /result (\{.*\})/.exec(output);
      if (done) resolveResult(JSON.parse(done[1]) as Record<string, number>);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${driver} probe exited (${code}):\n${output.slice(-2000)}`)));
  });
  try {
    const { port, result } = await lines;
    if (pin) pinProcess(child.pid!, SERVER_CORE);
    const socket = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const rtts: number[] = [];
    const unanswered = new Set<number>();
    socket.on("message", (data) => {
      const sentAt = Number(data.toString());
      unanswered.delete(sentAt);
      rtts.push(performance.now() - sentAt);
    });
    const ping = setInterval(() => {
      const sentAt = performance.now();
      unanswered.add(sentAt);
      socket.send(String(sentAt));
    }, PING_EVERY_MS);
    child.stdin!.write("go\n");
    const values = await result;
    clearInterval(ping);
    socket.close();
    // A message still unanswered when the window ends waited at least this long: counted so, or
    // an event loop that answers nothing at all would show no latency instead of the worst.
    const end = performance.now();
    for (const sentAt of unanswered) rtts.push(end - sentAt);
    const relay = summarizeLatency(rtts);
    return { commitsPerS: values.commitsPerS, readsPerS: values.readsPerS, relayP50: relay.p50, relayP99: relay.p99, relayMax: relay.max };
  } finally {
    child.kill("SIGTERM");
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export const dbDriverScenario: Scenario = {
  name: "dbdriver",
  title: "8. Embedded database: event loop vs worker thread vs pglite-socket",
  async run(ctx: ScenarioContext) {
    const started = performance.now();
    const windowMs = ctx.smoke ? 1000 : 6000;
    const socketDir = process.env.PGLITE_SOCKET_DIR;
    const drivers = DRIVERS.filter((d) => d !== "socket" || socketDir);
    // initdb once (tens of seconds); every run starts from a copy. The smoke pass inside the
    // test suite borrows the suite's migrated PGlite template instead (the probe's own tables
    // sit beside the app's; a measuring run keeps the empty database).
    const suiteTemplate = ctx.smoke ? process.env[TEMPLATE_ENV.pgliteDir] : undefined;
    // The suite's template is a server data directory: the database is its `pglite` folder.
    const borrowed = suiteTemplate ? path.join(suiteTemplate, "pglite") : undefined;
    const template = borrowed && fs.existsSync(path.join(borrowed, "PG_VERSION")) ? borrowed : fs.mkdtempSync(path.join(os.tmpdir(), "bench-dbdriver-template-"));
    if (template !== borrowed) await (await PGlite.create(template)).close();
    const recorder = new CaseRecorder({ commitsPerS: "/s", readsPerS: "/s", relayP50: "ms", relayP99: "ms", relayMax: "ms" });
    if (borrowed && template === borrowed) ctx.log(`probes start from the suite's PGlite template (${template})`);
    const measureOne = async (driver: Driver, run: number) => {
      try {
        const values = await measure(driver, template, windowMs, socketDir, !ctx.smoke);
        recorder.addRun(LABELS[driver], "ours-pglite", { ...values });
        ctx.log(`${LABELS[driver]} run ${run + 1}: ${values.commitsPerS.toFixed(0)} commits/s, ${values.readsPerS.toFixed(1)} reads/s, relay p50 ${values.relayP50.toFixed(1)} ms p99 ${values.relayP99.toFixed(1)} ms`);
      } catch (err) {
        recorder.addFailure(LABELS[driver], "ours-pglite", `run ${run + 1}: ${(err as Error).message}`);
      }
    };
    for (let run = 0; run < ctx.runs; run++) {
      // The smoke pass runs the probes side by side: it proves each driver's path end to end
      // and publishes nothing, so their sharing the cores does not matter; measuring runs take
      // turns, one probe on the server core at a time.
      if (ctx.smoke) await Promise.all(drivers.map((driver) => measureOne(driver, run)));
      else for (const driver of drivers) await measureOne(driver, run);
    }
    if (template !== borrowed) fs.rmSync(template, { recursive: true, force: true });
    return {
      scenario: "dbdriver",
      title: this.title,
      method: `One process per way of running the embedded database, pinned to the server core like our server: 8 writers commit a ${212}-byte row and a counter update under its row lock in a loop (one transaction each, like the group-commit writer's batches) while a reader runs a read of tens of ms (a history view) in a loop, for ${windowMs / 1000} s. Beside them a WebSocket echo stands for the socket relay: the load process (other core) sends a message every ${PING_EVERY_MS} ms and records the round trip (a message still unanswered when the window ends counts with the time it waited). pglite-socket runs only with PGLITE_SOCKET_DIR set to a folder where @electric-sql/pglite-socket is installed.`,
      cases: recorder.results(),
      targets: [],
      notes: socketDir ? [] : ["pglite-socket not measured in this run: PGLITE_SOCKET_DIR was not set"],
      durationS: (performance.now() - started) / 1000,
    };
  },
};
