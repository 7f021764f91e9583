import "server-only";
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import * as Y from "yjs";
import { closeDatabase, openDatabase, type DatabaseTarget } from "../db/client";
import { openCommitConnection } from "../db/commitConnection";
import { migrateDatabase } from "../db/migrate";
import { seedDemoNewsroom } from "../db/seed";
import { withStartupLock } from "../db/startupLock";
import { resignLegacyAuditChains } from "./articles/auditResign";
import { limitRequestBody, MULTIPART_ENVELOPE_BYTES } from "./http/bodyLimit";
import { handleHealthRequest } from "./http/healthEndpoints";
import { keepRouterPayloadsReadable } from "./http/routerPayloadCaching";
import { clearCacheOnSignOut } from "./http/signOutClearsCache";
import { answerWhileStarting, refuseUpgradeWhileStarting } from "./http/startingGate";
import { CollabServer } from "./collab/collabServer";
import { GroupCommitWriter } from "./collab/groupCommit";
import { DrizzleStoryStore } from "./storyLog/drizzleStoryStore";
import type { Actor, ArticleAccessFacts } from "../newsroom/actor";
import { can } from "../newsroom/policy";
import { MemoryEventBus } from "./events/memoryEventBus";
import { installEventBus, uninstallEventBus } from "./events/processBus";
import { RedisEventBus } from "./events/redisEventBus";
import type { EventBusLimits } from "./events/storyEventBus";
import { RoomOpenTimedOut, RoomRegistry } from "./collab/roomRegistry";
import { EditNotSaved } from "./collab/liveAccess";
import { SearchGramsBackfill } from "./articles/searchGramsBackfill";
import { ScheduledPublisher } from "./publication/scheduledPublisher";
import { publishListenOrigin } from "./http/publicOrigin";
import { PEER_ADDRESS_HEADER } from "./auth/signInLimiter";
import { markServing } from "./build/servingMarkers";
import { useBuiltNextConfig } from "./build/builtNextConfig";
import { lockDataDir, sessionSecret } from "./dataDir";
import { StartupError, type Env } from "./env";

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface RunningServer {
  port: number;
  /** Stops accepting, stores every room, closes the database. */
  close(): Promise<void>;
}

function databaseTarget(env: Env): DatabaseTarget {
  return env.DATABASE_URL
    ? { kind: "postgres", url: env.DATABASE_URL }
    : { kind: "pglite", dataDir: path.join(env.dataDir, "pglite") };
}

/**
 * Starts the workbench in this process: database (migrated, demo newsroom on first start),
 * the collaboration socket and Next.js, all on one port.
 */
export async function startServer(env: Env): Promise<RunningServer> {
  const embedded = !env.DATABASE_URL;
  const releaseDataDir = embedded ? lockDataDir(env.dataDir) : () => {};
  const authSecret = env.AUTH_SECRET ?? sessionSecret(env.dataDir);
  // Auth.js inside Next's bundle reads the secret from the environment.
  process.env.AUTH_SECRET = authSecret;

  const target = databaseTarget(env);
  const db = await openDatabase(target, { durable: env.PGLITE_FSYNC === "1", maxQueued: env.DB_WORKER_QUEUE_MAX });
  // Several processes may start at once on one PostgreSQL: migrations, the one-time re-sign of
  // unkeyed audit chains and the seed run once.
  await withStartupLock(target, async () => {
    await migrateDatabase(db, target);
    await resignLegacyAuditChains(db);
    if (embedded || env.SEED_DEMO === "1") await seedDemo(db, env);
  });
  const busLimits: EventBusLimits = {
    maxQueuedEvents: env.EVENT_BUS_MAX_QUEUED,
    maxListeners: env.EVENT_BUS_MAX_LISTENERS,
    maxPendingPublishes: env.EVENT_BUS_MAX_PENDING_PUBLISHES,
  };
  const bus = env.REDIS_URL ? new RedisEventBus(env.REDIS_URL, busLimits) : new MemoryEventBus(busLimits);
  if (bus instanceof RedisEventBus) {
    await bus.connect().catch(async (err: Error) => {
      await bus.close();
      throw new StartupError(`cannot reach Redis at REDIS_URL: ${err.message}`);
    });
  }
  installEventBus(bus);

  // On PostgreSQL the update log has a connection of its own: one round trip per commit.
  const commitConnection = target.kind === "postgres" ? openCommitConnection(target.url, env.COLLAB_COMMIT_TIMEOUT_MS) : null;
  const storyStore = new DrizzleStoryStore(db, {
    ownerRowsPerStatement: env.COLLAB_COMMIT_MAX_ROWS,
    commitDb: commitConnection?.db,
    touchIntervalMs: env.STORY_LIST_TOUCH_MS,
    rowLocks: target.kind === "postgres",
  });
  // Scaled out, every update is judged again at commit by the committed article state.
  const rightsAtCommit = !bus.spansProcesses ? null : (actor: Actor, facts: ArticleAccessFacts) => can(actor, "edit", facts);
  const writer = new GroupCommitWriter(storyStore, {
    delayMs: env.COLLAB_COMMIT_DELAY_MS,
    maxRows: env.COLLAB_COMMIT_MAX_ROWS,
    maxBytes: env.COLLAB_COMMIT_MAX_BYTES,
    queueMaxUpdates: env.COLLAB_COMMIT_QUEUE_MAX_UPDATES,
    queueMaxBytes: env.COLLAB_COMMIT_QUEUE_MAX_BYTES,
    queueMaxUpdatesPerStory: env.COLLAB_COMMIT_QUEUE_MAX_UPDATES_PER_STORY,
    queueMaxBytesPerStory: env.COLLAB_COMMIT_QUEUE_MAX_BYTES_PER_STORY,
    commitTimeoutMs: env.COLLAB_COMMIT_TIMEOUT_MS,
    maxAttempts: env.COLLAB_COMMIT_MAX_ATTEMPTS,
  }, Date.now, rightsAtCommit);
  const registry = new RoomRegistry(
    db,
    storyStore,
    writer,
    {
      idleMs: env.COLLAB_ROOM_IDLE_MS,
      openTimeoutMs: env.COLLAB_ROOM_OPEN_TIMEOUT_MS,
      checkpointPauseMs: env.HISTORY_CHECKPOINT_PAUSE_MS,
      checkpointMaxMs: env.HISTORY_CHECKPOINT_MAX_MS,
    },
    bus,
    { tailRows: env.STORY_SNAPSHOT_TAIL_ROWS, tailBytes: env.STORY_SNAPSHOT_TAIL_BYTES },
  );
  bus.serveLiveRooms({
    presence: () => registry.presence(),
    apply: async (articleId, facts) => {
      bus.relayToStory(articleId, { kind: "access", facts });
      (await registry.whenLoaded(articleId))?.updateAccess(facts);
    },
    flush: async (articleId) => {
      if (articleId === undefined) return writer.drain();
      const room = registry.peek(articleId);
      if (room) await writer.drainStory(room);
    },
    applyEdit: async (articleId, userId, makeUpdate) => {
      const room = await registry.acquire(articleId).catch((err: unknown) => {
        // The story did not open in time: the edit was not made, which the caller answers with 503.
        throw err instanceof RoomOpenTimedOut ? new EditNotSaved(err.message) : err;
      });
      try {
        const update = makeUpdate(Y.encodeStateAsUpdate(room.doc));
        // Rejects (EditNotSaved) if this very update is not stored: the caller answers 503.
        if (update) await room.applyServerEdit(update, { userId });
      } finally {
        registry.release(room);
      }
    },
  });
  const collab = new CollabServer({
    db,
    registry,
    events: bus,
    authSecret,
    maxMessageBytes: env.COLLAB_MAX_MESSAGE_BYTES,
    allowedOrigins: env.ALLOWED_ORIGINS.split(",").map((o) => o.trim()).filter(Boolean),
    maxConnectionsPerUser: env.COLLAB_MAX_CONNECTIONS_PER_USER,
    maxConnectionsPerStory: env.COLLAB_MAX_CONNECTIONS_PER_STORY,
    maxConnections: env.COLLAB_MAX_CONNECTIONS,
    pingIntervalMs: env.COLLAB_PING_INTERVAL_MS,
    slowLinkBytesPerSecond: env.COLLAB_SLOW_LINK_BYTES_PER_SECOND,
    maxMissedPingsWhileSending: env.COLLAB_PING_MAX_MISSED_WHILE_SENDING,
    frameTurns: {
      framesPerTurn: env.COLLAB_FRAMES_PER_TURN,
      maxQueuedFrames: env.COLLAB_MAX_QUEUED_FRAMES,
      maxQueuedBytes: env.COLLAB_MAX_QUEUED_FRAME_BYTES,
    },
    budgets: {
      updatesPerSecond: env.COLLAB_MAX_UPDATES_PER_SECOND,
      updateBytesPerSecond: env.COLLAB_MAX_UPDATE_BYTES_PER_SECOND,
      accountUpdatesPerSecond: env.COLLAB_ACCOUNT_UPDATES_PER_SECOND,
      accountUpdateBytesPerSecond: env.COLLAB_ACCOUNT_UPDATE_BYTES_PER_SECOND,
      newClientIdsPerMinute: env.COLLAB_MAX_NEW_CLIENT_IDS_PER_MINUTE,
      maxPendingBytes: env.COLLAB_MAX_PENDING_BYTES,
      maxParkedUpdates: env.COLLAB_MAX_PARKED_UPDATES,
      awarenessQueriesPerSecond: env.COLLAB_MAX_AWARENESS_QUERIES_PER_SECOND,
      awarenessUpdatesPerSecond: env.COLLAB_MAX_AWARENESS_UPDATES_PER_SECOND,
      maxAwarenessStateBytes: env.COLLAB_MAX_AWARENESS_STATE_BYTES,
      maxStretchWalk: env.COLLAB_MAX_STRETCH_WALK,
    },
  });

  // A build from this checkout must not rewrite the files this process serves (ensureBuild).
  const unmarkServing = env.dev ? () => {} : markServing(PROJECT_ROOT);
  // Next is made after the socket listens: a server action that redirects has Next fetch the
  // target page from this very process (to send it with the answer), at the hostname and port
  // given here. With PORT=0 the port is only known once listening; a wrong one made that fetch
  // fail and the browser report the action's request as aborted (net::ERR_ABORTED).
  let handleRequest: ReturnType<ReturnType<typeof next>["getRequestHandler"]> | null = null;
  let handleNextUpgrade: ReturnType<ReturnType<typeof next>["getUpgradeHandler"]> | null = null;

  let shuttingDown = false;
  const health = { db, bus, isShuttingDown: () => shuttingDown };
  const bodyLimits = {
    defaultBytes: env.HTTP_MAX_BODY_BYTES,
    authBytes: env.HTTP_MAX_AUTH_BODY_BYTES,
    mediaBytes: env.MEDIA_MAX_BYTES + MULTIPART_ENVELOPE_BYTES,
  };
  const server = http.createServer((req, res) => {
    const nextHandler = handleRequest;
    if (!nextHandler) {
      // Between listening and Next being ready: alive, not ready.
      answerWhileStarting(req, res);
      return;
    }
    if (handleHealthRequest(req, res, health)) return;
    // The peer address for sign-in rate limiting; whatever a client put there is replaced.
    req.headers[PEER_ADDRESS_HEADER] = req.socket.remoteAddress ?? "unknown";
    keepRouterPayloadsReadable(req, res);
    clearCacheOnSignOut(res);
    limitRequestBody(req, res, bodyLimits, () => void nextHandler(req, res));
  });
  server.on("upgrade", (req, socket, head) => {
    // Nothing joins a room before the process is ready (its requests would still get 503).
    if (!handleRequest) refuseUpgradeWhileStarting(socket);
    else if (collab.handles(req)) collab.handleUpgrade(req, socket, head);
    else if (handleNextUpgrade) void handleNextUpgrade(req, socket, head); // dev hot reload
    else socket.destroy();
  });
  const scheduledPublisher = new ScheduledPublisher(db, {
    pollMs: env.SCHEDULED_PUBLISH_POLL_MS,
    batch: env.SCHEDULED_PUBLISH_BATCH,
  });
  const gramsBackfill = new SearchGramsBackfill(db, {
    batch: env.SEARCH_GRAMS_BACKFILL_BATCH,
    pauseMs: env.SEARCH_GRAMS_BACKFILL_PAUSE_MS,
  });

  let closing: Promise<void> | null = null;
  /** Stops accepting, stores every room, closes the database (also after a failed start, without the drain). */
  const close = (drain = true) => {
    closing ??= (async () => {
      shuttingDown = true;
      if (drain && env.SHUTDOWN_DRAIN_MS > 0) await new Promise((resolve) => setTimeout(resolve, env.SHUTDOWN_DRAIN_MS));
      server.close();
      await scheduledPublisher.stop();
      await gramsBackfill.stop();
      collab.close();
      await registry.closeAll();
      await writer.drain();
      await commitConnection?.close();
      server.closeAllConnections();
      await bus.close();
      uninstallEventBus(bus);
      await closeDatabase();
      releaseDataDir();
      unmarkServing();
    })();
    return closing;
  };

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(env.PORT, env.HOST, resolve);
    });
  } catch (err) {
    // E.g. the port is taken: let go of everything opened so far, as after a failed prepare.
    await close(false).catch((closeErr: Error) => console.error("[server] closing after a failed start:", closeErr.message));
    throw err;
  }
  const port = (server.address() as AddressInfo).port;

  try {
    const selfHost = selfFetchHost(env.HOST);
    // What `next start` sets once listening: the origin a forwarded server action or a
    // redirecting one fetches its page from. Without it Next builds that origin from the
    // request, whose `x-forwarded-proto: https` (behind a TLS proxy) points at a port that does
    // not speak TLS here, and the fetch fails.
    process.env.__NEXT_PRIVATE_ORIGIN = `http://${selfHost.includes(":") ? `[${selfHost}]` : selfHost}:${port}`;
    if (!env.dev) useBuiltNextConfig(PROJECT_ROOT);
    const app = next({ dev: env.dev, dir: PROJECT_ROOT, hostname: selfHost, port });
    await app.prepare();
    handleNextUpgrade = app.getUpgradeHandler();
    handleRequest = app.getRequestHandler();
  } catch (err) {
    // Everything opened so far (database, bus, rooms, timers, data-dir lock) is let go.
    await close(false).catch((closeErr: Error) => console.error("[server] closing after a failed start:", closeErr.message));
    throw err;
  }
  publishListenOrigin(env.HOST, port);
  scheduledPublisher.start();
  void gramsBackfill.start();

  return { port, close: () => close() };
}

/** Creates the demo newsroom on first start (printing the password when it was generated). */
async function seedDemo(db: Awaited<ReturnType<typeof openDatabase>>, env: Env): Promise<void> {
  const password = env.DEMO_PASSWORD ?? randomBytes(9).toString("base64url");
  if (await seedDemoNewsroom(db, password)) {
    console.log(
      env.DEMO_PASSWORD
        ? "created the demo newsroom (yaoyuchao, xuweixiang, zhoumi, huhongye, admin) with DEMO_PASSWORD"
        : `created the demo newsroom: yaoyuchao, xuweixiang, zhoumi, huhongye, admin; password (shown once): ${password}`,
    );
  }
}

/**
 * The hostname this process reaches itself at: the listen address, or the loopback address when
 * listening on every interface ("localhost" may resolve to ::1 where only IPv4 listens).
 */
function selfFetchHost(host: string): string {
  return host === "0.0.0.0" || host === "" ? "127.0.0.1" : host === "::" ? "::1" : host;
}
