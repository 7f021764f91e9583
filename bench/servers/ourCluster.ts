import path from "node:path";
import { Redis } from "ioredis";
import { startCluster, type TestCluster } from "../../tests/support/cluster";
import { connectWebsocketClient } from "../clients/yWebsocketClient";
import { trackPid } from "../lib/childRegistry";
import { ProbeGroup, type Probe } from "../probe/probeClient";
import { getArticle } from "../../tests/support/session";
import { attachOurProcess, createBenchStory, ourServerEnv, signInDemoUsers } from "./ourServer";
import type { OurClusterKind, ServerUnderTest } from "./serverUnderTest";

export interface OurCluster extends ServerUnderTest {
  readonly kind: OurClusterKind;
  readonly probe: ProbeGroup;
  /** The processes' base URLs, in order; clients take them round-robin by seat. */
  readonly urls: readonly string[];
  /** CPU time the cluster's Redis has used so far (INFO cpu), in ms. */
  redisCpuMs(): Promise<number>;
  /** The shared store's environment (DATABASE_URL). */
  readonly storeEnv: Record<string, string>;
}

/**
 * Our server as `processes` identical processes on one fresh PostgreSQL database and one Redis
 * of its own (the tests' cluster launcher, tests/support/cluster.ts): every process gets the
 * probe and is pinned to the server core like a single server; a client goes to process
 * `seat % processes`, as a round-robin load balancer would place it. Stories are created and
 * the stored text read on process 0 (the database is shared).
 */
export async function startOurCluster(processes: 2 | 3, extraEnv: Record<string, string> = {}): Promise<OurCluster> {
  const kind: OurClusterKind = processes === 2 ? "ours-cluster-2" : "ours-cluster-3";
  const cluster: TestCluster = await startCluster(processes, ourServerEnv(extraEnv));
  let redis: Redis | null = null;
  let untrackRedis = () => {};
  try {
    const probes: Probe[] = [];
    for (const server of cluster.servers) probes.push(await attachOurProcess(server));
    const probe = new ProbeGroup(probes);
    const profileDir = process.env.BENCH_PROFILE_DIR;
    if (profileDir) await probe.startProfile();
    // Sessions live in the shared database: signed in once, valid on every process.
    const urls = cluster.servers.map((s) => s.url);
    const cookies = await signInDemoUsers(urls[0]);
    redis = new Redis(cluster.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const redisClient = redis;
    // An interrupted run kills the Redis it started too (the launcher keeps its process handle).
    const redisPid = Number(/^process_id:(\d+)/m.exec(await redis.info("server"))?.[1]);
    if (redisPid > 0) untrackRedis = trackPid(redisPid);
    return {
      kind,
      pid: cluster.servers[0].process.pid!,
      probe,
      urls,
      storeEnv: cluster.store.env,
      newDocument: (title = "") => createBenchStory(urls[0], cookies, title),
      connect: (docName, seat) => connectWebsocketClient(urls[seat % urls.length], docName, cookies[seat % cookies.length], { acknowledges: true }),
      storedText: async (docName) => (await getArticle(urls[0], cookies[0], docName)).content.text,
      output: () => cluster.servers.map((s, i) => `--- process ${i} (pid ${s.process.pid})\n${s.output()}`).join("\n"),
      async redisCpuMs() {
        const info = await redisClient.info("cpu");
        const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1] ?? Number.NaN);
        return (field("used_cpu_user") + field("used_cpu_sys")) * 1000;
      },
      async stop() {
        if (profileDir) await probe.stopProfile(path.join(profileDir, `${kind}-${cluster.servers[0].process.pid}.cpuprofile`)).catch(() => {});
        redisClient.disconnect();
        await cluster.close();
        untrackRedis();
      },
    };
  } catch (err) {
    redis?.disconnect();
    await cluster.close().catch(() => {});
    untrackRedis();
    throw err;
  }
}
