/**
 * What pinging every collaboration socket costs (COLLAB_PING_INTERVAL_MS): N `ws` sockets to a
 * `ws` server in one process, pinged every 10, 2 and 1 s the way `collabServer.ts` does (clear
 * the answered mark, ping), then not at all. Prints the process CPU per second (server and
 * clients together, an upper bound for the server) and how long one round over N sockets takes.
 *
 *   npx tsx bench/pingCost.ts [sockets=1000] [seconds per interval=12]
 */
import WebSocket, { WebSocketServer } from "ws";

const sockets = Number(process.argv[2] ?? 1000);
const seconds = Number(process.argv[3] ?? 12);

const wss = new WebSocketServer({ port: 0, perMessageDeflate: false });
await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
const { port } = wss.address() as { port: number };
const clients: WebSocket[] = [];
for (let i = 0; i < sockets; i++) {
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
  clients.push(client);
  await new Promise<void>((resolve) => client.once("open", () => resolve()));
}
const answered = new WeakSet<WebSocket>();
let pongs = 0;
for (const ws of wss.clients) {
  ws.on("pong", () => {
    answered.add(ws);
    pongs += 1;
  });
}

for (const intervalMs of [10_000, 2_000, 1_000, 0]) {
  let roundMs = 0;
  let rounds = 0;
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          const started = performance.now();
          for (const ws of wss.clients) {
            answered.delete(ws);
            ws.ping();
          }
          roundMs += performance.now() - started;
          rounds += 1;
        }, intervalMs)
      : null;
  pongs = 0;
  const before = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const cpu = process.cpuUsage(before);
  if (timer) clearInterval(timer);
  console.log(
    `${intervalMs > 0 ? `every ${intervalMs} ms` : "no pings"}: ${rounds} rounds, ${pongs} pongs, ` +
      `CPU ${((cpu.user + cpu.system) / 1000 / seconds).toFixed(1)} ms per second, ` +
      `${rounds > 0 ? (roundMs / rounds).toFixed(1) : "0"} ms per round of ${sockets} sockets`,
  );
}
for (const client of clients) client.terminate();
wss.close();
