// A process a test starts must not outlive the process that started it: a test server left
// running by a killed vitest used half a core of the shared machine through the next whole run
// (tests/support/exitWithParent.mjs, preloaded through NODE_OPTIONS by vitest.config.ts).
import { spawn } from "node:child_process";
import fs from "node:fs";
import { expect, it } from "vitest";
import { waitFor } from "../support/wait";

/**
 * True while the process runs. An orphan that exits stays a zombie where the machine's init does
 * not reap, so its state is read rather than asking whether the pid exists.
 */
function running(pid: number): boolean {
  try {
    const state = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

it("a grandchild (a test server) exits once the child that started it (a worker) is killed", async () => {
  expect(process.env.NODE_OPTIONS, "the server projects preload exitWithParent.mjs").toContain("exitWithParent.mjs");
  // The middle process starts a grandchild that would run for a minute and, once the grandchild
  // runs its own code (its preloads ran before), prints the grandchild's pid and waits.
  const middle = spawn(
    process.execPath,
    [
      "-e",
      `const { spawn } = require("node:child_process");
       const grandchild = spawn(process.execPath, ["-e", "console.log('up'); setTimeout(() => {}, 60000)"], { stdio: ["ignore", "pipe", "inherit"] });
       grandchild.stdout.once("data", () => console.log(grandchild.pid));
       setInterval(() => {}, 1000);`,
    ],
    { env: process.env, stdio: ["ignore", "pipe", "inherit"] },
  );
  const grandchild = await new Promise<number>((resolve, reject) => {
    middle.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    middle.once("exit", (code) => reject(new Error(`middle process exited (${code}) before its grandchild ran`)));
  });
  expect(running(grandchild)).toBe(true);

  middle.kill("SIGKILL");
  const gone = await waitFor(() => !running(grandchild), { timeoutMs: 10_000, message: "the orphaned grandchild to exit" }).catch(() => false);
  if (!gone) process.kill(grandchild, "SIGKILL");
  expect(gone, "the grandchild outlived the process that started it").toBe(true);
});
