import { createStore, startTestServer, type ServerStore, type TestServer } from "./testServer";
import { redisServerAvailable, startOwnRedis, type OwnRedis } from "./redisServer";

/**
 * What the scale-out tests need and this machine lacks: PostgreSQL (TEST_DATABASE_URL) and a
 * redis-server binary (the tests run their own, so they can restart it). Under
 * CI_REQUIRE_ALL=1 anything missing is an error; otherwise the suite says why it is skipped.
 */
export function clusterPrerequisitesMissing(suite: string): boolean {
  const missing = [
    ...(process.env.TEST_DATABASE_URL ? [] : ["TEST_DATABASE_URL"]),
    ...(redisServerAvailable ? [] : ["redis-server (apt-get install redis-server)"]),
  ];
  if (missing.length === 0) return false;
  if (process.env.CI_REQUIRE_ALL === "1") {
    throw new Error(`${suite} needs ${missing.join(" and ")}, and CI_REQUIRE_ALL=1 forbids skipping it`);
  }
  console.warn(`${suite} skipped: it needs ${missing.join(" and ")}`);
  return true;
}

/** Several server processes on one PostgreSQL database and one Redis of the test's own. */
export interface TestCluster {
  store: ServerStore;
  redis: OwnRedis;
  servers: TestServer[];
  /** Starts process `index` again after a kill (same database and Redis). */
  restart(index: number): Promise<TestServer>;
  close(): Promise<void>;
}

export async function startCluster(processes: number, extraEnv: Record<string, string> = {}): Promise<TestCluster> {
  const store = await createStore("postgres");
  const redis = await startOwnRedis();
  const env = { REDIS_URL: redis.url, ...extraEnv };
  // All at once, as a deployment would: migrations and the seed must still run only once.
  const servers = await Promise.all(Array.from({ length: processes }, () => startTestServer(store, env)));
  return {
    store,
    redis,
    servers,
    async restart(index) {
      servers[index] = await startTestServer(store, env);
      return servers[index];
    },
    async close() {
      await Promise.all(servers.map((s) => s.stop()));
      await redis.stop();
      await store.dispose();
    },
  };
}
