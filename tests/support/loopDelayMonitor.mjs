// Preloaded into a test server process (NODE_OPTIONS=--import <this file>, see
// tests/support/serverProbe.ts). It changes nothing in the server; it only watches its event
// loop: a timer due every TICK_MS notes how late it fires. A stall of S ms delays every event
// that arrives during it, so it is counted as the delays of all the ticks it swallowed
// (S, S-10, S-20, …) — the open-loop view, in which one long stall weighs as much as the time
// it lasted (a plain histogram would count it once and hide it). Writes a summary to
// LOOP_DELAY_FILE every 250 ms; touching `<file>.reset` starts a new measurement.
import fs from "node:fs";

const file = process.env.LOOP_DELAY_FILE;
const TICK_MS = 10;
// NODE_OPTIONS reaches any child process too; only the server's entry process is watched:
// `server/index.ts` under tsx, or the run's compiled entry (server/build/compileServer.ts).
if (file && /(server[\\/]index\.ts|\.server-build[\\/].*server\.mjs)$/.test(process.argv[1] ?? "")) {
  let delays = [];
  let expected = performance.now() + TICK_MS;
  const tick = () => {
    const now = performance.now();
    const late = Math.max(0, now - expected);
    for (let d = late; d >= 0; d -= TICK_MS) delays.push(d);
    if (delays.length > 2_000_000) delays = delays.slice(-1_000_000);
    expected = now + TICK_MS;
    setTimeout(tick, TICK_MS).unref();
  };
  setTimeout(tick, TICK_MS).unref();
  const write = () => {
    const sorted = Float64Array.from(delays).sort();
    const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : 0);
    const summary = { pid: process.pid, count: sorted.length, p50: at(50), p99: at(99), max: sorted.length ? sorted[sorted.length - 1] : 0, at: Date.now() };
    try {
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(summary));
      fs.renameSync(`${file}.tmp`, file);
    } catch {
      // the test may have removed the directory already
    }
  };
  setInterval(() => {
    if (fs.existsSync(`${file}.reset`)) {
      delays = [];
      fs.rmSync(`${file}.reset`, { force: true });
    }
    write();
  }, 250).unref();
  process.on("exit", write);
}
