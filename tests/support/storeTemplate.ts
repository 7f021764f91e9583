import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { randomBytes } from "node:crypto";
import { closeDatabase, openDatabase, type DatabaseTarget } from "../../db/client";
import { migrateDatabase } from "../../db/migrate";
import { seedDemoNewsroom } from "../../db/seed";

/** The test demo password; the template's demo accounts are seeded with it. */
export const TEMPLATE_DEMO_PASSWORD = "测试-demo-password";

/**
 * The scrypt cost of the passwords tests store (the template's demo accounts, the desks they
 * add by SQL): N=2^10 instead of the workbench's 2^15. A sign-in verifies with the cost stored
 * in the hash, and the suite signs in several hundred times a run; at the full cost each took
 * about half a second on the 2-core CI machine (32 MiB touched per hash). Accounts made through
 * the workbench itself (admin console, password change) keep the full cost.
 */
export const TEST_HASH_COST = { N: 2 ** 10, r: 8, p: 1 } as const;

/** Keys under which the global setup hands the templates to the test workers (vitest `provide`). */
export const PGLITE_TEMPLATE_KEY = "pgliteTemplateDir";
export const POSTGRES_TEMPLATE_KEY = "postgresTemplateDatabase";
/** The key under which the global setup provides the run's compiled server entry. */
export const COMPILED_SERVER_KEY = "compiledServerEntry";

/** A migrated, seeded database, as a first start of the server leaves it. */
async function migrateAndSeed(target: DatabaseTarget): Promise<void> {
  const db = await openDatabase(target);
  try {
    await migrateDatabase(db, target);
    await seedDemoNewsroom(db, TEMPLATE_DEMO_PASSWORD, TEST_HASH_COST);
  } finally {
    await closeDatabase();
  }
}

/**
 * A data directory holding a migrated PGlite with the demo newsroom, made once per run: PGlite
 * creating and migrating a database takes about 15 s, copying the directory well under one.
 * It holds no session secret and no lock, so every copy starts like a fresh embedded default
 * that has its database already (a random secret of its own on first start).
 */
export async function makePgliteTemplate(): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "newsroom-template-"));
  await migrateAndSeed({ kind: "pglite", dataDir: path.join(dataDir, "pglite") });
  return dataDir;
}

/** The admin URL with another database name. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs one statement on the admin database (CREATE/DROP DATABASE cannot run in a pool's transaction). */
export async function adminQuery(adminUrl: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/**
 * A migrated, seeded PostgreSQL database to `CREATE DATABASE … TEMPLATE` from: a copy takes
 * a fraction of a second where migrating a new database takes several.
 */
export async function makePostgresTemplate(adminUrl: string): Promise<string> {
  const name = `newsroom_template_${randomBytes(6).toString("hex")}`;
  await adminQuery(adminUrl, `create database ${name}`);
  await migrateAndSeed({ kind: "postgres", url: databaseUrl(adminUrl, name) });
  return name;
}
