import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { processAlive } from "../processAlive";
import { servingProcesses } from "./servingMarkers";
import { sourceFingerprint } from "./sourceFingerprint";

/** Written into the build folder after a successful build: the sources it was made from. */
export const FINGERPRINT_FILE = "source-fingerprint";
/** Held while one process builds, so two starts from one checkout never build over each other. */
export const BUILD_LOCK = ".next-build.lock";

export interface EnsureBuildOptions {
  /** Build even when the build folder matches the sources (`npm run build -- --force`). */
  force?: boolean;
  /** Runs `next build`; replaced in tests. Returns the exit status. */
  runBuild?: (root: string) => number;
  /** How long to wait for another process's build before giving up. */
  lockWaitMs?: number;
  log?: (line: string) => void;
}

export type BuildOutcome = "fresh" | "built" | "built-by-another";

/** Whether the build folder was made from exactly these sources. */
export function buildIsFresh(root: string, fingerprint = sourceFingerprint(root)): boolean {
  const distDir = path.join(root, ".next");
  if (!fs.existsSync(path.join(distDir, "BUILD_ID"))) return false;
  try {
    return fs.readFileSync(path.join(distDir, FINGERPRINT_FILE), "utf8").trim() === fingerprint;
  } catch {
    return false;
  }
}

function runNextBuild(root: string): number {
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  // A build reads next.config.ts itself, never the config a served build finished with
  // (server/build/builtNextConfig.ts), should the variable be set in the calling process.
  const { __NEXT_PRIVATE_STANDALONE_CONFIG: _served, ...env } = process.env;
  const result = spawnSync(process.execPath, [nextBin, "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  return result.status ?? 1;
}

/** Takes the build lock, or returns the pid of the live process that holds it. */
function tryLock(lockPath: string): number | null {
  try {
    fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
    return null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const holder = Number(fs.readFileSync(lockPath, "utf8").trim());
  if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) return holder;
  // Left by a build that died: nobody is building, so the lock is ours to take again.
  fs.rmSync(lockPath, { force: true });
  return tryLock(lockPath);
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Makes sure `.next` holds a production build of the current sources: nothing to do when it
 * does (a restart serves in seconds), otherwise one `next build` under a lock file. A second
 * process started meanwhile waits for that build instead of building over it.
 */
export function ensureBuild(root: string, options: EnsureBuildOptions = {}): BuildOutcome {
  const { force = false, runBuild = runNextBuild, lockWaitMs = 15 * 60_000, log = console.log } = options;
  const fingerprint = sourceFingerprint(root);
  if (!force && buildIsFresh(root, fingerprint)) return "fresh";
  const lockPath = path.join(root, BUILD_LOCK);
  const deadline = Date.now() + lockWaitMs;
  let waited = false;
  for (;;) {
    const holder = tryLock(lockPath);
    if (holder === null) break;
    if (!waited) log(`waiting for the build of process ${holder} to finish`);
    waited = true;
    if (Date.now() > deadline) throw new Error(`process ${holder} has held ${BUILD_LOCK} for over ${lockWaitMs} ms`);
    sleepSync(250);
  }
  try {
    if (waited && !force && buildIsFresh(root, fingerprint)) return "built-by-another";
    const serving = servingProcesses(root);
    if (serving.length > 0) {
      throw new Error(
        `the build in .next is being served by process ${serving.join(", ")}: stop it first (a build would change files it still loads)`,
      );
    }
    log(force ? "building the app" : "the app's sources changed since the last build: building it");
    const status = runBuild(root);
    if (status !== 0) throw new Error(`next build failed (exit ${status})`);
    // The fingerprint from before the build: a file saved while it ran makes the next start build again.
    fs.writeFileSync(path.join(root, ".next", FINGERPRINT_FILE), fingerprint);
    return "built";
  } finally {
    fs.rmSync(lockPath, { force: true });
  }
}
