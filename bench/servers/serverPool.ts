import type { OurServer } from "./ourServer";
import { startServer } from "./startServers";
import type { OurBaseKind, OurVariantKind, ServerKind, ServerUnderTest } from "./serverUnderTest";

/** Kinds that start one process of our server (an OurServer). */
type OurKind = OurBaseKind | OurVariantKind;

/**
 * Where scenarios get their servers. A measuring run gives every scenario fresh servers (what
 * one scenario leaves behind must not change another's numbers); the smoke pass shares one
 * server of each kind across all scenarios, since start-up (migrations, Next) is most of its
 * time and its numbers are not published.
 */
export class ServerPool {
  private readonly shared = new Map<ServerKind, Promise<ServerUnderTest>>();

  constructor(private readonly share: boolean) {}

  private acquire(kind: ServerKind): Promise<ServerUnderTest> {
    const start = () => startServer(kind);
    if (!this.share) return start();
    let server = this.shared.get(kind);
    if (!server) {
      server = start();
      this.shared.set(kind, server);
      // A failed start is not cached: the next scenario tries again.
      server.catch(() => this.shared.delete(kind));
    }
    return server;
  }

  private async release(server: ServerUnderTest): Promise<void> {
    if (!this.share) await server.stop().catch(() => {});
  }

  /** Runs `work` with servers of the given kinds, started one after another. */
  async use<T>(kinds: readonly ServerKind[], work: (servers: ServerUnderTest[]) => Promise<T>): Promise<T> {
    const servers: ServerUnderTest[] = [];
    try {
      for (const kind of kinds) servers.push(await this.acquire(kind));
      return await work(servers);
    } finally {
      for (const server of servers.reverse()) await this.release(server);
    }
  }

  /** Our server, with the extra handles (storage size, SQL while stopped) some scenarios need. */
  useOurs<T>(kind: OurKind, work: (server: OurServer) => Promise<T>): Promise<T> {
    return this.use([kind], ([server]) => work(server as OurServer));
  }

  /** Stops the shared servers (end of the bench run). */
  async close(): Promise<void> {
    for (const server of this.shared.values()) await (await server.catch(() => null))?.stop().catch(() => {});
    this.shared.clear();
  }
}
