import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { compileServer, COMPILED_SERVER_ENTRY } from "../../server/build/compileServer";

/** A stand-in project whose entry prints a path a nested module builds from its import.meta.url. */
let root: string;
beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "compile-server-")));
  fs.mkdirSync(path.join(root, "server"));
  fs.mkdirSync(path.join(root, "db"));
  fs.writeFileSync(path.join(root, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "esnext", target: "ES2022" } }));
  fs.writeFileSync(
    path.join(root, "db", "migrate.ts"),
    `import path from "node:path";\nimport { fileURLToPath } from "node:url";\n` +
      `export const MIGRATIONS: string = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "drizzle");\n`,
  );
  fs.writeFileSync(path.join(root, "server", "index.ts"), `import { MIGRATIONS } from "../db/migrate";\nconsole.log(MIGRATIONS);\n`);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

it("compiles the entry into one plain module whose modules still find the paths next to their sources", async () => {
  const entry = await compileServer(root);
  expect(entry).toBe(path.join(root, COMPILED_SERVER_ENTRY));
  // One file: nothing left for a TypeScript loader, and no temporary file left behind.
  expect(fs.readdirSync(path.dirname(entry))).toEqual([path.basename(entry)]);
  expect(fs.readFileSync(entry, "utf8")).not.toContain("from \"../db/migrate\"");
  const printed = execFileSync(process.execPath, [entry], { encoding: "utf8" }).trim();
  expect(printed).toBe(path.join(root, "drizzle"));
});

it("keeps those paths when the compiled entry sits deeper (a test run's own folder)", async () => {
  const entry = await compileServer(root, path.join(root, ".server-build", "test-run-1", "server.mjs"));
  expect(execFileSync(process.execPath, [entry], { encoding: "utf8" }).trim()).toBe(path.join(root, "drizzle"));
});
