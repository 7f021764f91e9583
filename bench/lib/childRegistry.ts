import type { ChildProcess } from "node:child_process";

const children = new Set<ChildProcess>();

/**
 * Server processes started by this run. If the run is interrupted (Ctrl-C, a crash) they are
 * killed with it, instead of being left listening with their data directories.
 */
export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once("exit", () => children.delete(child));
}

/** Processes started by helpers that do not hand out their ChildProcess (a cluster's Redis). */
const pids = new Set<number>();

/** Like trackChild, by process id; call the returned function once the process is stopped. */
export function trackPid(pid: number): () => void {
  pids.add(pid);
  return () => pids.delete(pid);
}

function killAll(): void {
  for (const child of children) child.kill("SIGKILL");
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

process.once("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the servers this run started`);
    killAll();
    process.exit(130);
  });
}
