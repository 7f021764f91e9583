import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import net from "node:net";
import { waitFor } from "./wait";

export const REDIS_SERVER_BIN = process.env.REDIS_SERVER_BIN ?? "redis-server";

/** True when a redis-server binary can be started here (Debian package redis-server). */
export const redisServerAvailable = spawnSync(REDIS_SERVER_BIN, ["--version"]).status === 0;

export interface OwnRedis {
  url: string;
  /** SIGKILL: everything it held (subscriptions) is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * A redis-server of the test's own on a free port, so a test can kill and restart Redis
 * without touching the machine's shared one. Keeps nothing on disk, like the shared one.
 */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(REDIS_SERVER_BIN, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    await waitFor(() => answersPing(port), { message: `redis-server on ${port}`, timeoutMs: 10_000 });
  };
  const kill = async (signal: NodeJS.Signals = "SIGKILL") => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill(signal);
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, start, kill: () => kill("SIGKILL"), stop: () => kill("SIGTERM") };
}
