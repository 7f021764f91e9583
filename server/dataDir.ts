import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { StartupError } from "./env";
import { processAlive } from "./processAlive";

/**
 * Takes the data directory for this process. PGlite must never be opened by two processes, so
 * a lock file holds the owner's pid; a lock left by a dead process is taken over.
 * Returns the function that releases it.
 */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, "server.lock");
  const mine = lockContent(process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, mine, { flag: "wx" });
      return () => {
        try {
          if (fs.readFileSync(lockPath, "utf8") === mine) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const [owner, startedAt] = fs.readFileSync(lockPath, "utf8").trim().split(" ");
      const pid = Number(owner);
      if (pid && pid !== process.pid && holdsLock(pid, startedAt)) {
        throw new StartupError(
          `the data directory ${dataDir} is in use by another workbench process (pid ${pid}); stop it first or set DATA_DIR`,
        );
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new StartupError(`could not lock the data directory ${dataDir}`);
}

/** "pid start-time": after a reboot a dead owner's pid may be reused by another process. */
function lockContent(pid: number): string {
  const startedAt = processStartTime(pid);
  return startedAt ? `${pid} ${startedAt}` : String(pid);
}

/**
 * Whether the process named in a lock still holds it: alive, and (where /proc tells) the same
 * process that wrote the lock, not a later one that got its pid. A lock without a start time
 * is held only by a live Node process.
 */
function holdsLock(pid: number, startedAt: string | undefined): boolean {
  if (!processAlive(pid)) return false;
  const startedNow = processStartTime(pid);
  if (startedNow === null) return true;
  if (startedAt) return startedAt === startedNow;
  try {
    return /node/.test(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8"));
  } catch {
    return true;
  }
}

/** A process's start time in clock ticks since boot (Linux /proc), or null where unknown. */
function processStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** Shortest session secret accepted: 32 characters (Auth.js derives its keys from it). */
const MIN_SECRET_CHARS = 32;

/**
 * The embedded default's session secret: random on first start, kept in the data directory
 * (mode 600) so sessions survive restarts. Never a fixed default. It is written to a temporary
 * file and renamed, so a crash cannot leave a half-written one; an empty file (left by an older
 * version's crash) is replaced, and a short one refuses the start rather than sign people in
 * with a guessable key.
 */
export function sessionSecret(dataDir: string): string {
  const secretPath = path.join(dataDir, "auth-secret");
  let stored: string | null = null;
  try {
    stored = fs.readFileSync(secretPath, "utf8").trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  if (stored && stored.length < MIN_SECRET_CHARS) {
    throw new StartupError(
      `the session secret in ${secretPath} is too short (${stored.length} characters, at least ${MIN_SECRET_CHARS}): ` +
        "delete the file to have a new random one made (everyone signs in again), or put a longer one there",
    );
  }
  if (stored) return stored;
  const secret = randomBytes(32).toString("base64url");
  const temporary = `${secretPath}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, secret, { mode: 0o600 });
  fs.renameSync(temporary, secretPath);
  return secret;
}
