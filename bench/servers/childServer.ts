import { spawn, type ChildProcess } from "node:child_process";
import { PROJECT_ROOT } from "../../tests/support/testServer";
import { trackChild } from "../lib/childRegistry";
import { pinProcess, SERVER_CORE } from "../lib/cpuPin";
import { Probe, probeEnv } from "../probe/probeClient";

export interface ChildServer {
  process: ChildProcess;
  port: number;
  probe: Probe;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a peer server entry (bench/servers/peers/*) in its own Node process with the probe
 * loaded, pins it to the server core, and waits for its "listening on" line.
 */
export async function startChildServer(entry: string, args: string[], env: Record<string, string>): Promise<ChildServer> {
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...probeEnv(), NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  trackChild(child);
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then(() => reject(new Error(`${entry} exited before listening:\n${output}`)));
    setTimeout(() => reject(new Error(`${entry} did not start in 30 s:\n${output}`)), 30_000).unref();
  });
  pinProcess(child.pid!, SERVER_CORE);
  const probe = await Probe.attach(child.pid!);
  return {
    process: child,
    port,
    probe,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}
