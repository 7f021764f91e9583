import { execFileSync } from "node:child_process";
import os from "node:os";

/** The server gets core 0, the load generator (this process and its browser) core 1. */
export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

let tasksetWorks: boolean | null = null;

/** Pinning needs `taskset` and at least two cores; otherwise everything shares the machine. */
export function canPin(): boolean {
  if (tasksetWorks === null) {
    try {
      execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
      tasksetWorks = os.availableParallelism() >= 2;
    } catch {
      tasksetWorks = false;
    }
  }
  return tasksetWorks;
}

/**
 * Pins every thread of a running process (and the threads it starts later, which inherit the
 * mask) to one core. Pinning after spawn lets us reuse the tests' server launcher unchanged.
 */
export function pinProcess(pid: number, core: number): boolean {
  if (!canPin()) return false;
  try {
    execFileSync("taskset", ["-a", "-c", "-p", String(core), String(pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** How the run was pinned, for the results file. */
export function pinningNote(): string {
  return canPin()
    ? `server processes pinned to core ${SERVER_CORE}, load generator (and Chromium) to core ${LOAD_CORE} with taskset`
    : "not pinned (taskset unavailable or fewer than 2 cores)";
}
