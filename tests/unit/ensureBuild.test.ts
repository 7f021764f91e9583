import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BUILD_LOCK, buildIsFresh, ensureBuild } from "../../server/build/ensureBuild";
import { markServing, SERVING_DIR, servingProcesses } from "../../server/build/servingMarkers";

/** A stand-in project: one page, and a "build" that writes what `next build` would leave. */
let root: string;
let builds: number;
const fakeBuild = (dir: string) => {
  builds += 1;
  fs.mkdirSync(path.join(dir, ".next"), { recursive: true });
  fs.writeFileSync(path.join(dir, ".next", "BUILD_ID"), `build-${builds}`);
  return 0;
};
const quiet = { runBuild: fakeBuild, log: () => {} };

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "ensure-build-"));
  fs.mkdirSync(path.join(root, "app"));
  fs.writeFileSync(path.join(root, "app", "page.tsx"), "export default function Page() { return null; }\n");
  builds = 0;
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("ensureBuild", () => {
  it("builds a checkout without a build, then starts without building again", () => {
    expect(ensureBuild(root, quiet)).toBe("built");
    expect(ensureBuild(root, quiet)).toBe("fresh");
    expect(builds).toBe(1);
    expect(buildIsFresh(root)).toBe(true);
  });

  it("builds again when a source file changed, not when only its time did", () => {
    ensureBuild(root, quiet);
    const page = path.join(root, "app", "page.tsx");
    fs.utimesSync(page, new Date(), new Date(Date.now() + 60_000));
    expect(ensureBuild(root, quiet)).toBe("fresh");
    fs.appendFileSync(page, "// changed\n");
    expect(ensureBuild(root, quiet)).toBe("built");
    expect(builds).toBe(2);
  });

  it("a failed build leaves no fingerprint, so the next start tries again, and frees the lock", () => {
    expect(() => ensureBuild(root, { ...quiet, runBuild: () => 1 })).toThrow(/next build failed \(exit 1\)/);
    expect(fs.existsSync(path.join(root, BUILD_LOCK))).toBe(false);
    expect(ensureBuild(root, quiet)).toBe("built");
  });

  it("waits for a live process's build and names it when that takes too long", () => {
    fs.writeFileSync(path.join(root, BUILD_LOCK), String(process.ppid));
    expect(() => ensureBuild(root, { ...quiet, lockWaitMs: 300 })).toThrow(new RegExp(`process ${process.ppid} has held`));
    expect(builds).toBe(0);
  });

  it("takes over a lock left by a build that died", () => {
    fs.writeFileSync(path.join(root, BUILD_LOCK), "999999999");
    expect(ensureBuild(root, quiet)).toBe("built");
    expect(fs.existsSync(path.join(root, BUILD_LOCK))).toBe(false);
  });

  it("--force builds even a fresh checkout", () => {
    ensureBuild(root, quiet);
    expect(ensureBuild(root, { ...quiet, force: true })).toBe("built");
    expect(builds).toBe(2);
  });
});

describe("ensureBuild and a running server", () => {
  it("will not rebuild the .next a live process serves, and names it", () => {
    ensureBuild(root, quiet);
    fs.mkdirSync(path.join(root, SERVING_DIR));
    fs.writeFileSync(path.join(root, SERVING_DIR, String(process.ppid)), "");
    fs.appendFileSync(path.join(root, "app", "page.tsx"), "// changed\n");
    expect(() => ensureBuild(root, quiet)).toThrow(new RegExp(`served by process ${process.ppid}`));
    expect(builds).toBe(1);
    expect(fs.existsSync(path.join(root, BUILD_LOCK))).toBe(false);
  });

  it("starts without building next to a live server when nothing changed", () => {
    ensureBuild(root, quiet);
    const unmark = markServing(root);
    fs.mkdirSync(path.join(root, SERVING_DIR), { recursive: true });
    fs.writeFileSync(path.join(root, SERVING_DIR, String(process.ppid)), "");
    expect(ensureBuild(root, quiet)).toBe("fresh");
    unmark();
    expect(fs.existsSync(path.join(root, SERVING_DIR, String(process.pid)))).toBe(false);
  });

  it("forgets the mark of a server that died, and builds", () => {
    ensureBuild(root, quiet);
    fs.mkdirSync(path.join(root, SERVING_DIR));
    fs.writeFileSync(path.join(root, SERVING_DIR, "999999999"), "");
    fs.appendFileSync(path.join(root, "app", "page.tsx"), "// changed\n");
    expect(ensureBuild(root, quiet)).toBe("built");
    expect(servingProcesses(root)).toEqual([]);
  });
});
