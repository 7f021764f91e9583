import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Folders whose files go into the Next build (pages import server/, newsroom/ and db/). */
const SOURCE_DIRS = ["app", "server", "newsroom", "db", "public"];
/** Single files that change what `next build` produces. */
const SOURCE_FILES = ["next.config.ts", "tsconfig.json", "package.json", "package-lock.json"];

function filesUnder(root: string, dir: string, into: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch {
    return; // a folder the project does not have (public/)
  }
  for (const entry of entries) {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(root, relative, into);
    else if (entry.isFile()) into.push(relative);
  }
}

/**
 * A hash of every source file the production build is made from (paths and contents, not
 * times: a fresh clone or `git checkout` changes every mtime without changing the build).
 * Reading ~200 small files takes milliseconds, so every start can afford it.
 */
export function sourceFingerprint(root: string): string {
  const files: string[] = [];
  for (const dir of SOURCE_DIRS) filesUnder(root, dir, files);
  for (const file of SOURCE_FILES) if (fs.existsSync(path.join(root, file))) files.push(file);
  files.sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(file.split(path.sep).join("/"));
    hash.update("\0");
    hash.update(fs.readFileSync(path.join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}
