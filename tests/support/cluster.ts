import { createStore, startTestServer, type ServerStore, type TestServer } from "./testServer";
import { startOwnRedis, type OwnRedis } from "./redisServer";

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
