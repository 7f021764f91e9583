// Loaded with `--import` (via NODE_OPTIONS) into every server under test, ours and the peers
// alike, so all of them are measured by the same code: event-loop delay, heap after a forced
// GC, and on-demand CPU profiles. Plain JavaScript on purpose: it must not depend on the tsx
// loader, which only our server uses.
import fs from "node:fs";
import http from "node:http";
import inspector from "node:inspector";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import v8 from "node:v8";
import vm from "node:vm";

const dir = process.env.BENCH_PROBE_DIR;
// Only the process the harness started: children it may spawn inherit NODE_OPTIONS but not
// the marker, so they do not open probes of their own.
if (dir && process.env.BENCH_PROBE_OWNER === "1") {
  delete process.env.BENCH_PROBE_OWNER;
  startProbe(dir);
}

function startProbe(probeDir) {
  // A GC function without --expose-gc on the command line (which tests do not pass).
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc");
  // The histogram records whole timer intervals; the delay is what exceeds the resolution.
  const RESOLUTION_MS = 10;
  const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  loop.enable();
  let session = null;

  const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
  const loopStats = () => ({
    p50: ms(loop.percentile(50)),
    p99: ms(loop.percentile(99)),
    max: ms(loop.max),
    mean: ms(loop.mean),
  });

  const routes = {
    "/loop": (url) => {
      const stats = loopStats();
      if (url.searchParams.has("reset")) loop.reset();
      return stats;
    },
    "/memory": (url) => {
      if (url.searchParams.has("gc")) {
        // Twice: the first pass can leave weakly held objects for the second.
        gc();
        gc();
      }
      return process.memoryUsage();
    },
    "/cpu": () => process.cpuUsage(),
    "/profile/start": async () => {
      session = new inspector.Session();
      session.connect();
      await post(session, "Profiler.enable");
      await post(session, "Profiler.start");
      return { started: true };
    },
    "/profile/stop": async (url) => {
      if (!session) return { error: "not profiling" };
      const { profile } = await post(session, "Profiler.stop");
      session.disconnect();
      session = null;
      const file = url.searchParams.get("file");
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(profile));
      return { file };
    },
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://probe");
    const route = routes[url.pathname];
    try {
      const body = route ? await route(url) : { error: "no such probe route" };
      res.writeHead(route ? 200 : 404, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    } catch (err) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: String(err) }));
    }
  });
  server.listen(0, "127.0.0.1", () => {
    fs.mkdirSync(probeDir, { recursive: true });
    fs.writeFileSync(path.join(probeDir, `${process.pid}.port`), String(server.address().port));
  });
  // The probe must never keep a server alive that wants to exit.
  server.unref();
}

function post(session, method, params = {}) {
  return new Promise((resolve, reject) =>
    session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
  );
}
