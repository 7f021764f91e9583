import fs from "node:fs";
import path from "node:path";
import { processAlive } from "../../server/processAlive";

/** A RAM file system every Linux machine here has (24 GiB on the CI machine). */
const RAM_DISK = "/dev/shm";
const PREFIX = "newsroom-tests-";

/**
 * The temporary folder of this test run, on the RAM disk when there is one: every store's data
 * directory (a 40 MB copy of the PGlite template, 1,100 files, per store), every Chromium
 * profile and every scratch file of the run lands there. Copying the template onto the disk's
 * ext4 cost 0.3–0.85 s of CPU per store, in the kernel, and every PGlite write of a test went
 * through the journal; on the RAM disk the copy takes 60 ms. Only processes die in the suite,
 * never the machine, so no test needs more than the page cache keeps anyway (the reason
 * PGLITE_FSYNC=0 is safe for it too). Null when there is no RAM disk: the system's temp folder.
 * TEST_TMPDIR names another folder (TEST_TMPDIR=/tmp keeps the disk).
 */
export function makeRunTempDir(): string | null {
  const base = process.env.TEST_TMPDIR || (isWritableDir(RAM_DISK) ? RAM_DISK : null);
  if (!base) return null;
  removeDeadRunFolders(base, PREFIX);
  const dir = path.join(base, `${PREFIX}${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Removes the folders `<prefix><pid>` in `dir` of runs whose process is gone. */
export function removeDeadRunFolders(dir: string, prefix: string): void {
  const entries = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length));
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}

function isWritableDir(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
