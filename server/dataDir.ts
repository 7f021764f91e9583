import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { StartupError } from "./env";

/**
 * Takes the data directory for this process. PGlite must never be opened by two processes, so
 * a lock file holds the owner's pid; a lock left by a dead process is taken over.
 * Returns the function that releases it.
 */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, "server.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      return () => {
        try {
          if (fs.readFileSync(lockPath, "utf8") === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number(fs.readFileSync(lockPath, "utf8"));
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new StartupError(
          `the data directory ${dataDir} is in use by another workbench process (pid ${owner}); stop it first or set DATA_DIR`,
        );
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new StartupError(`could not lock the data directory ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The embedded default's session secret: random on first start, kept in the data directory
 * (mode 600) so sessions survive restarts. Never a fixed default.
 */
export function sessionSecret(dataDir: string): string {
  const secretPath = path.join(dataDir, "auth-secret");
  try {
    return fs.readFileSync(secretPath, "utf8").trim();
  } catch {
    const secret = randomBytes(32).toString("base64url");
    fs.writeFileSync(secretPath, secret, { mode: 0o600, flag: "wx" });
    return secret;
  }
}
