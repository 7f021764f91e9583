import pg from "pg";
import { randomBytes } from "node:crypto";

/** A database the test server runs on. */
export type Backend = "pglite" | "postgres";

const requireAll = process.env.CI_REQUIRE_ALL === "1";

/**
 * PGlite always; PostgreSQL when TEST_DATABASE_URL is set. Without it the suite says so once;
 * under CI_REQUIRE_ALL=1 the missing database is a failure (see backends.test.ts).
 */
export function backends(): Backend[] {
  if (process.env.TEST_DATABASE_URL) return ["pglite", "postgres"];
  if (!requireAll && !warned) {
    warned = true;
    console.warn("PostgreSQL tests skipped: set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run them");
  }
  return ["pglite"];
}
let warned = false;

/**
 * Creates a database for one test server, empty or as a copy of `template` (a migrated,
 * seeded one), and returns its URL and a drop function. With `durableCommits: false` a commit
 * returns before its WAL reaches the disk (`synchronous_commit = off`, the PostgreSQL side of
 * the suite's PGLITE_FSYNC=0): the tests kill server processes, never PostgreSQL or the machine,
 * and an fsync per commit would make every commit-then-relay round trip wait on the disk.
 */
export async function createPostgresDatabase(
  template?: string,
  { durableCommits = true }: { durableCommits?: boolean } = {},
): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `newsroom_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(template ? `create database ${name} template ${template}` : `create database ${name}`);
  // A database's settings are not copied from its template; every new connection reads them.
  if (!durableCommits) await admin.query(`alter database ${name} set synchronous_commit = off`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
