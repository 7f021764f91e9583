import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { compileServer, COMPILED_SERVER_DIR } from "../../server/build/compileServer";
import { makeRunTempDir, removeDeadRunFolders } from "./runTempDir";
import {
  adminQuery,
  COMPILED_SERVER_KEY,
  makePgliteTemplate,
  makePostgresTemplate,
  PGLITE_TEMPLATE_KEY,
  POSTGRES_TEMPLATE_KEY,
} from "./storeTemplate";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplateDir: string;
    postgresTemplateDatabase: string;
    compiledServerEntry: string;
  }
}

/**
 * Once per run, before any test file: the store templates every test server's fresh store is
 * copied from (tests/support/testServer.ts `createStore`), and the custom server compiled to
 * plain JavaScript from the current sources, which every server child runs with `node` instead
 * of loading TypeScript through tsx again. Removed again after the run.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  // `npm run test:unit` starts no server: no templates, and no 15 s spent making them.
  if (project.vitest.projects.every((p) => p.name === "unit")) return undefined;
  const started = Date.now();
  const root = path.resolve(import.meta.dirname, "../..");
  // Set before any worker starts: workers, their servers and browsers inherit it, and
  // os.tmpdir() reads it (the store templates below land there too).
  const tempDir = makeRunTempDir();
  if (tempDir) process.env.TMPDIR = tempDir;
  // One folder per run: two runs from one checkout never replace each other's entry. Folders
  // of runs that died before their teardown are removed here.
  removeDeadRunFolders(path.join(root, COMPILED_SERVER_DIR), "test-run-");
  const compiledDir = path.join(root, COMPILED_SERVER_DIR, `test-run-${process.pid}`);
  project.provide(COMPILED_SERVER_KEY, await compileServer(root, path.join(compiledDir, "server.mjs")));
  console.log(`[setup] server compiled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const pgliteDir = await makePgliteTemplate();
  project.provide(PGLITE_TEMPLATE_KEY, pgliteDir);
  const adminUrl = process.env.TEST_DATABASE_URL;
  const postgresName = adminUrl ? await makePostgresTemplate(adminUrl) : "";
  project.provide(POSTGRES_TEMPLATE_KEY, postgresName);
  console.log(`[setup] store templates made in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return async () => {
    fs.rmSync(pgliteDir, { recursive: true, force: true });
    fs.rmSync(compiledDir, { recursive: true, force: true });
    if (adminUrl && postgresName) await adminQuery(adminUrl, `drop database if exists ${postgresName} with (force)`);
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true, maxRetries: 3 });
  };
}
