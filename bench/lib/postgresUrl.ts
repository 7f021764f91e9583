/**
 * PostgreSQL runs happen when DATABASE_URL or TEST_DATABASE_URL names a server; each run
 * creates (and drops) its own database through the tests' helper, which reads
 * TEST_DATABASE_URL. DATABASE_URL is taken out of this process's environment so PGlite
 * servers, which inherit it, stay on PGlite.
 */
export function adoptPostgresUrl(): string | null {
  const url = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || null;
  delete process.env.DATABASE_URL;
  if (url) process.env.TEST_DATABASE_URL = url;
  return url;
}
