import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { StoryEventBus } from "../events/storyEventBus";

const DB_CHECK_TIMEOUT_MS = 2000;

export interface HealthSources {
  db: Db;
  bus: StoryEventBus;
  /** True once SIGTERM arrived: the load balancer should stop sending new people here. */
  isShuttingDown(): boolean;
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

async function databaseAnswers(db: Db): Promise<boolean> {
  try {
    await Promise.race([
      db.execute(sql`select 1`),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), DB_CHECK_TIMEOUT_MS).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}

/**
 * `/healthz`: the process is alive (restart it if not). `/readyz`: it can serve people now:
 * the database and (scaled out) Redis answer, and it is not shutting down. Answered by the
 * custom server before Next.js, so they work even while Next is busy or failing.
 * Returns false for any other path.
 */
export function handleHealthRequest(req: IncomingMessage, res: ServerResponse, sources: HealthSources): boolean {
  const path = (req.url ?? "").split("?")[0];
  if (path === "/healthz") {
    reply(res, 200, { status: "ok" });
    return true;
  }
  if (path !== "/readyz") return false;
  void (async () => {
    const [database, redis] = await Promise.all([
      databaseAnswers(sources.db),
      sources.bus.isReachable(),
    ]);
    const shuttingDown = sources.isShuttingDown();
    const ready = database && redis !== false && !shuttingDown;
    reply(res, ready ? 200 : 503, {
      status: ready ? "ready" : "not ready",
      database: database ? "ok" : "unreachable",
      ...(redis === null ? {} : { redis: redis ? "ok" : "unreachable" }),
      ...(shuttingDown ? { shuttingDown: true } : {}),
    });
  })();
  return true;
}
