import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../../tests/support/testServer";

export interface MachineInfo {
  nproc: number;
  memoryGiB: number;
  cpuModel: string;
  os: string;
  node: string;
}

export function machineInfo(): MachineInfo {
  return {
    // Not availableParallelism(): this process is pinned to one core by then, and would say 1.
    nproc: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

function installedVersion(name: string): string {
  try {
    const file = path.join(PROJECT_ROOT, "node_modules", name, "package.json");
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return "missing";
  }
}

/** Versions of everything whose speed is being compared, as installed (not as declared). */
export function versions(): Record<string, string> {
  const names = [
    "yjs",
    "y-protocols",
    "y-websocket",
    "y-websocket-server-v2",
    "@hocuspocus/server",
    "@hocuspocus/extension-sqlite",
    "@hocuspocus/provider",
    "better-sqlite3",
    "@electric-sql/pglite",
    "pg",
    "ws",
    "next",
    "playwright-core",
  ];
  return Object.fromEntries(names.map((name) => [name, installedVersion(name)]));
}
