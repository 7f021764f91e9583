import fs from "node:fs";
import path from "node:path";
import { processAlive } from "../../server/processAlive";

/** A RAM file system every Linux machine here has (24 GiB on the CI machine). */
const RAM_DISK = "/dev/shm";
/**
 * Free space the RAM disk must have to be used: a run keeps a few dozen stores of 40 MB and
 * Chromium profiles there at once, and Chromium needs the same disk for its shared memory
 * (a container's default /dev/shm is 64 MB: such a machine keeps the disk).
 */
const RAM_DISK_MIN_FREE_BYTES = 4 * 1024 ** 3;
const PREFIX = "newsroom-tests-";

/**
 * The temporary folder of this test run, on the RAM disk when there is one: every store's data
 * directory (a 40 MB copy of the PGlite template, 1,100 files, per store), every Chromium
 * profile and every scratch file of the run lands there. Copying the template onto the disk's
 * ext4 cost 0.3–0.85 s of CPU per store, in the kernel, and every PGlite write of a test went
 * through the journal; on the RAM disk the copy takes 60 ms. Only processes die in the suite,
 * never the machine, so no test relies on more than the page cache (the reason
 * PGLITE_FSYNC=0 is safe for it too). Null when there is no RAM disk with room: the system's
 * temp folder. TEST_TMPDIR names another folder (TEST_TMPDIR=/tmp keeps the disk).
 */
export function makeRunTempDir(): string | null {
  const base = process.env.TEST_TMPDIR || (hasRoom(RAM_DISK) ? RAM_DISK : null);
  if (!base) return null;
  removeDeadRunFolders(base, PREFIX);
  // `<prefix><pid>-<random>`: never a folder someone made before this run.
  return fs.mkdtempSync(path.join(base, `${PREFIX}${process.pid}-`));
}

/**
 * Removes the folders `<prefix><pid>…` in `dir` of runs whose process is gone, where this user
 * owns them and may remove them; anything else is left alone.
 */
export function removeDeadRunFolders(dir: string, prefix: string): void {
  const entries = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(/^\d+/.exec(entry.slice(prefix.length))?.[0]);
    if (!Number.isInteger(pid) || pid <= 0 || processAlive(pid)) continue;
    const folder = path.join(dir, entry);
    try {
      if (process.getuid && fs.statSync(folder).uid !== process.getuid()) continue;
      fs.rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
    } catch (err) {
      console.warn(`[setup] could not remove ${folder} of an ended run: ${(err as Error).message}`);
    }
  }
}

function hasRoom(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    const { bavail, bsize } = fs.statfsSync(dir);
    return bavail * bsize >= RAM_DISK_MIN_FREE_BYTES;
  } catch {
    return false;
  }
}
