import fs from "node:fs";
import type { TestProject } from "vitest/node";
import {
  adminQuery,
  makePgliteTemplate,
  makePostgresTemplate,
  PGLITE_TEMPLATE_KEY,
  POSTGRES_TEMPLATE_KEY,
} from "./storeTemplate";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplateDir: string;
    postgresTemplateDatabase: string;
  }
}

/**
 * Once per run, before any test file: the store templates every test server's fresh store is
 * copied from (tests/support/testServer.ts `createStore`). Removed again after the run.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  // `npm run test:unit` starts no server: no templates, and no 15 s spent making them.
  if (project.vitest.projects.every((p) => p.name === "unit")) return undefined;
  const started = Date.now();
  const pgliteDir = await makePgliteTemplate();
  project.provide(PGLITE_TEMPLATE_KEY, pgliteDir);
  const adminUrl = process.env.TEST_DATABASE_URL;
  const postgresName = adminUrl ? await makePostgresTemplate(adminUrl) : "";
  project.provide(POSTGRES_TEMPLATE_KEY, postgresName);
  console.log(`[setup] store templates made in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return async () => {
    fs.rmSync(pgliteDir, { recursive: true, force: true });
    if (adminUrl && postgresName) await adminQuery(adminUrl, `drop database if exists ${postgresName} with (force)`);
  };
}
