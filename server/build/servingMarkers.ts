import fs from "node:fs";
import path from "node:path";
import { processAlive } from "../processAlive";

/** One file per process serving the production build of this checkout, named by its pid. */
export const SERVING_DIR = ".next-serving";

/**
 * Marks this process as serving `.next` until it exits: a build started meanwhile (a second
 * `npm start` after the sources changed) must not rewrite the files this process loads lazily.
 * Returns the function that removes the mark (also removed on exit).
 */
export function markServing(root: string): () => void {
  const dir = path.join(root, SERVING_DIR);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, String(process.pid));
  fs.writeFileSync(file, new Date().toISOString());
  marked.set(file, (marked.get(file) ?? 0) + 1);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const left of marked.keys()) fs.rmSync(left, { force: true });
    });
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const left = (marked.get(file) ?? 1) - 1;
    if (left > 0) return void marked.set(file, left);
    marked.delete(file);
    fs.rmSync(file, { force: true });
  };
}

/**
 * Marks to remove when the process exits, with how many servers of this process hold each
 * (tests start several in one worker): one exit hook, however many servers start.
 */
const marked = new Map<string, number>();
let exitHookInstalled = false;

/** Pids of other live processes serving this checkout's build; marks of dead ones are removed. */
export function servingProcesses(root: string): number[] {
  const dir = path.join(root, SERVING_DIR);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const live: number[] = [];
  for (const name of names) {
    const pid = Number(name);
    if (pid === process.pid) continue;
    if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) live.push(pid);
    else fs.rmSync(path.join(dir, name), { force: true });
  }
  return live;
}
