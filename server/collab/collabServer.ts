import "server-only";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { Db } from "../../db/client";
import {
  CLOSE_FORBIDDEN,
  CLOSE_LOAD_FAILED,
  CLOSE_MALFORMED,
  CLOSE_NO_SUCH_ARTICLE,
  CLOSE_NOT_SIGNED_IN,
  CLOSE_OVER_BUDGET,
  CLOSE_TOO_MANY_CONNECTIONS,
} from "../../newsroom/collabMessages";
import { OutsideSchema, storySchemaRules } from "../../newsroom/schemaGuard";
import { can } from "../../newsroom/policy";
import { findArticleFacts } from "../articles/articleFacts";
import { findWorkingUser } from "../auth/activeUser";
import { actorOf } from "../auth/actorOf";
import type { StoryEventBus } from "../events/storyEventBus";
import { isSessionLive } from "../auth/sessionRevocation";
import { sessionClaims } from "../auth/sessionToken";
import { Connection } from "./connection";
import { receiveMessage, TooManySyncRequests } from "./messageReceiver";
import { ForgedAuthorship } from "./room";
import { isAllowedOrigin } from "./originPolicy";
import type { RoomRegistry } from "./roomRegistry";
import { AccountBudgets, OverBudget, type SocketBudgetLimits } from "./socketBudgets";
import { closeReason } from "./closeReason";
import { FrameTurns, TooManyQueuedFrames, type FrameTurnLimits } from "./frameTurns";

export const COLLAB_PATH_PREFIX = "/collab/";

/** Frames a client may send while it is being authenticated and its room loads. */
const MAX_FRAMES_BEFORE_JOIN = 64;
/** Unanswered pings in a row after which a socket we are still sending to is cut. */
const MISSED_PINGS_WHILE_SENDING = 3;

/** How often signed-in sessions are re-checked and idle budgets forgotten. */
const HOUSEKEEPING_INTERVAL_MS = 30_000;

export interface CollabServerOptions {
  db: Db;
  registry: RoomRegistry;
  /** Where sign-outs are announced (this process's, and scaled out the others'). */
  events: StoryEventBus;
  authSecret: string;
  maxMessageBytes: number;
  allowedOrigins: readonly string[];
  maxConnectionsPerUser: number;
  maxConnectionsPerStory: number;
  /** Open collaboration sockets in this process; past it upgrades get HTTP 503 before any auth work. */
  maxConnections: number;
  budgets: SocketBudgetLimits;
  /**
   * How often every socket is pinged; one that has not answered the previous ping is cut, so a
   * colleague whose network went away stops being listed as present within two intervals
   * (four while the server is still sending to it).
   */
  pingIntervalMs: number;
  /** The slowest link a client may be on: what we hand a socket beyond it delays its pong. */
  slowLinkBytesPerSecond: number;
  /** Unanswered rounds a socket we are still sending to may have before it is cut. */
  maxMissedPingsWhileSending: number;
  /** How the sockets share the event loop, and how many frames one may have waiting (`frameTurns.ts`). */
  frameTurns: FrameTurnLimits;
}

/** Seconds a client refused for a full process is asked to wait before trying again. */
const FULL_RETRY_AFTER_SECONDS = 5;

/** Counts of open sockets by key (user id, article id). */
class OpenCounts {
  private readonly counts = new Map<string, number>();
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  add(key: string): () => void {
    this.counts.set(key, this.get(key) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.get(key) - 1;
      if (left <= 0) this.counts.delete(key);
      else this.counts.set(key, left);
    };
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The article id of a collaboration path, or null when the path cannot be decoded. */
function articleIdOf(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url, "http://x").pathname.slice(COLLAB_PATH_PREFIX.length));
  } catch {
    return null;
  }
}

function refuseHandshake(socket: Duplex, status: number, text: string, extraHeaders = ""): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\n${extraHeaders}Connection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * The collaboration endpoint `/collab/<articleId>` (DESIGN.md §3): checks origin, session and
 * permission before any document byte is sent, then joins the socket to its room.
 */
export class CollabServer {
  private readonly wss: WebSocketServer;
  private readonly pingTimer: NodeJS.Timeout;
  private readonly housekeepingTimer: NodeJS.Timeout;
  private readonly alive = new WeakSet<WebSocket>();
  /** Pings in a row a socket we are still sending to has not answered. */
  private readonly missedPings = new WeakMap<WebSocket, number>();
  /** Each socket's byte count written at the last ping round, and the last round it sent much. */
  private readonly sending = new WeakMap<WebSocket, { socket: Duplex & { bytesWritten?: number }; written: number; owedRounds: number }>();
  private pendingPingRound: NodeJS.Immediate | null = null;
  private closed = false;
  private readonly perUser = new OpenCounts();
  private readonly perStory = new OpenCounts();
  /** Whose session each joined socket runs on, so signing out (or disabling) can end it. */
  private readonly sessions = new Map<WebSocket, { sessionId: string; userId: string }>();
  private readonly stopListening: () => void;
  private readonly budgets: AccountBudgets;
  private readonly turns: FrameTurns;
  /** Upgrades accepted and not yet closed (counted from the first byte, before authentication). */
  private openSockets = 0;

  constructor(private readonly options: CollabServerOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxMessageBytes,
      perMessageDeflate: false,
    });
    this.budgets = new AccountBudgets(options.budgets);
    this.turns = new FrameTurns(options.frameTurns);
    // Built from the extension list once, now, rather than inside the first keystroke.
    storySchemaRules();
    // The round runs after the event loop's next I/O poll, not in the timer itself: when this
    // process was stalled (a long synchronous task, a GC pause) past an interval, the overdue
    // timer fires before the pongs that arrived meanwhile are read, and every live socket would
    // look silent and be cut at once. setImmediate lets them be read first.
    this.pingTimer = setInterval(() => {
      this.pendingPingRound ??= setImmediate(() => {
        this.pendingPingRound = null;
        this.pingAll();
      });
    }, options.pingIntervalMs);
    this.pingTimer.unref();
    this.housekeepingTimer = setInterval(() => {
      this.budgets.forgetIdle();
      void this.recheckSessions();
    }, HOUSEKEEPING_INTERVAL_MS);
    this.housekeepingTimer.unref();
    this.stopListening = options.events.subscribe("sessionEnded", null, ({ sessionId }) => {
      for (const [ws, session] of this.sessions) if (session.sessionId === sessionId) ws.close(CLOSE_NOT_SIGNED_IN, "signed out");
    });
  }

  handles(req: IncomingMessage): boolean {
    return (req.url ?? "").startsWith(COLLAB_PATH_PREFIX);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Every socket holds a file descriptor: past the cap even the cookie is not read.
    if (this.openSockets >= this.options.maxConnections) {
      refuseHandshake(socket, 503, "Service Unavailable", `Retry-After: ${FULL_RETRY_AFTER_SECONDS}\r\n`);
      return;
    }
    if (!isAllowedOrigin(req, this.options.allowedOrigins)) {
      refuseHandshake(socket, 403, "Forbidden");
      return;
    }
    const articleId = articleIdOf(req.url ?? "/");
    if (articleId === null) {
      refuseHandshake(socket, 400, "Bad Request");
      return;
    }
    this.openSockets += 1;
    socket.once("close", () => {
      this.openSockets -= 1;
    });
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // Any bytes from the client prove it is there, even part of a frame: a client uploading a
      // large paste over a slow link answers the ping only after the whole upload.
      socket.on("data", () => this.alive.add(ws));
      this.sending.set(ws, { socket, written: 0, owedRounds: 0 });
      void this.admit(ws, req, articleId);
    });
  }

  /** Closes every socket (shutdown); rooms are stored by the registry. */
  close(): void {
    this.closed = true;
    clearInterval(this.pingTimer);
    if (this.pendingPingRound) clearImmediate(this.pendingPingRound);
    clearInterval(this.housekeepingTimer);
    this.stopListening();
    this.turns.stop();
    for (const ws of this.wss.clients) ws.close(1001, "server shutting down");
    this.wss.close();
  }

  private async admit(ws: WebSocket, req: IncomingMessage, articleId: string): Promise<void> {
    const early: Uint8Array[] = [];
    let onFrame = (frame: Uint8Array) => {
      if (ws.readyState !== ws.OPEN) return;
      early.push(frame);
      if (early.length > MAX_FRAMES_BEFORE_JOIN) ws.close(1008, "too many messages before join");
    };
    ws.on("message", (data) => onFrame(toBytes(data)));
    // ws closes the socket itself after a protocol error (with 1009 for an oversize frame);
    // terminating here would cut the close frame off before it is sent.
    ws.on("error", () => {});
    // Alive from the start; afterwards any bytes it sends say so (the socket's "data" listener
    // set at the upgrade: pongs and frames arrive as such bytes too).
    this.alive.add(ws);

    const { db, registry, authSecret } = this.options;
    let room;
    let connection: Connection;
    try {
      const claims = await sessionClaims(req.headers.cookie, authSecret);
      // No cookie, no query. With one, its session, its account and the story are read
      // together: three round trips one after another were a third of a cold open's server time.
      const [live, user, found] = claims
        ? await Promise.all([isSessionLive(db, claims.sessionId), findWorkingUser(db, claims.userId), findArticleFacts(db, articleId)])
        : [false, null, null];
      const actor = live && user ? actorOf(user) : null;
      if (!user || !actor) return ws.close(CLOSE_NOT_SIGNED_IN, "not signed in");
      if (!found) return ws.close(CLOSE_NO_SUCH_ARTICLE, "no such article");
      if (!can(actor, "read", found.facts)) return ws.close(CLOSE_FORBIDDEN, "not allowed");
      // Closed while its session was being checked: its "close" event has already fired, so a
      // place counted now would never be given back.
      if (ws.readyState !== ws.OPEN) return;
      if (
        this.perUser.get(user.id) >= this.options.maxConnectionsPerUser ||
        this.perStory.get(articleId) >= this.options.maxConnectionsPerStory
      ) {
        return ws.close(CLOSE_TOO_MANY_CONNECTIONS, "too many connections");
      }
      const releaseUser = this.perUser.add(user.id);
      const releaseStory = this.perStory.add(articleId);
      ws.once("close", () => {
        releaseUser();
        releaseStory();
      });
      const sessionId = String(claims!.sessionId);
      connection = new Connection(ws, user, sessionId, this.budgets.forConnection(user.id));
      this.sessions.set(ws, { sessionId, userId: user.id });
      ws.once("close", () => this.sessions.delete(ws));
      room = await registry.acquire(articleId);
    } catch (err) {
      // One line per failed load (a failed query's SQL spans several), so logs stay greppable.
      console.error(`[collab] could not open ${articleId}:`, (err as Error).message.replace(/\s+/g, " "));
      return ws.close(CLOSE_LOAD_FAILED, "could not load the article");
    }

    if (ws.readyState !== ws.OPEN) {
      registry.release(room);
      return;
    }
    const joined = room;
    joined.join(connection);
    ws.on("close", () => {
      joined.leave(connection);
      registry.release(joined);
    });
    const queue = this.turns.queueFor((frame) => {
      // Frames that were already read when the socket was closed are not handled (nor logged).
      if (ws.readyState !== ws.OPEN) return;
      try {
        receiveMessage(joined, connection, frame);
      } catch (err) {
        if (err instanceof ForgedAuthorship) ws.close(CLOSE_FORBIDDEN, "not your client id");
        else if (err instanceof OverBudget) ws.close(CLOSE_OVER_BUDGET, closeReason(err.message));
        else if (err instanceof OutsideSchema) ws.close(CLOSE_MALFORMED, closeReason(`outside the schema: ${err.message}`));
        else if (err instanceof TooManySyncRequests) ws.close(1008, "too many sync requests");
        else ws.close(CLOSE_MALFORMED, "malformed message");
        console.warn(`[collab] closed a connection to ${articleId}: ${(err as Error).message}`);
      }
    });
    ws.on("close", () => queue.clear());
    onFrame = (frame) => {
      if (ws.readyState !== ws.OPEN) return;
      try {
        queue.push(frame);
      } catch (err) {
        if (!(err instanceof TooManyQueuedFrames)) throw err;
        ws.close(CLOSE_OVER_BUDGET, closeReason(err.message));
        console.warn(`[collab] closed a connection to ${articleId}: ${err.message}`);
      }
    };
    for (const frame of early.splice(0)) {
      if (ws.readyState !== ws.OPEN) break;
      onFrame(frame);
    }
  }

  /**
   * Sessions signed out on another process, and accounts disabled (or handed a temporary
   * password) since, lose their open sockets here (their writes were already refused at commit).
   */
  private async recheckSessions(): Promise<void> {
    const { db } = this.options;
    const verdicts = new Map<string, Promise<boolean>>();
    const stillValid = (session: { sessionId: string; userId: string }) => {
      const key = `${session.sessionId} ${session.userId}`;
      let verdict = verdicts.get(key);
      if (!verdict) {
        verdict = (async () => (await isSessionLive(db, session.sessionId)) && (await findWorkingUser(db, session.userId)) !== null)();
        verdicts.set(key, verdict);
      }
      return verdict;
    };
    for (const [ws, session] of [...this.sessions]) {
      try {
        if (!(await stillValid(session))) ws.close(CLOSE_NOT_SIGNED_IN, "session ended");
      } catch (err) {
        // The database is away: keep the socket; the next round checks again.
        console.warn("[collab] could not re-check a session:", (err as Error).message);
        return;
      }
    }
  }

  /**
   * Unanswered rounds a socket may have now. One, normally. More while we are still sending to
   * it: bytes queued in this process, or more handed to it lately than a slow link carries in
   * a round (once in the kernel's buffer they no longer count as queued, yet the client reads
   * our ping only after them: a first sync of a long story at 256 kbit/s takes several rounds).
   * Bounded: bytes to a vanished client never drain.
   */
  private allowedMisses(ws: WebSocket): number {
    const { slowLinkBytesPerSecond, pingIntervalMs, maxMissedPingsWhileSending } = this.options;
    const sending = this.sending.get(ws);
    if (sending) {
      const written = sending.socket.bytesWritten ?? 0;
      const roundsToRead = Math.floor((written - sending.written) / ((slowLinkBytesPerSecond * pingIntervalMs) / 1000));
      sending.owedRounds = Math.max(sending.owedRounds - 1, roundsToRead);
      sending.written = written;
    }
    const owed = sending?.owedRounds ?? 0;
    if (owed === 0 && ws.bufferedAmount === 0) return 1;
    return Math.min(maxMissedPingsWhileSending, Math.max(MISSED_PINGS_WHILE_SENDING, owed + 1));
  }

  private pingAll(): void {
    if (this.closed) return;
    for (const ws of this.wss.clients) {
      const allowed = this.allowedMisses(ws);
      if (this.alive.has(ws)) {
        this.missedPings.delete(ws);
      } else {
        // While we are still sending to it (a first sync of a long story over a slow link) its
        // pong may be queued behind our own bytes: it gets a few more intervals, not forever
        // (bytes to a vanished client never drain).
        const missed = (this.missedPings.get(ws) ?? 0) + 1;
        if (missed >= allowed) {
          ws.terminate();
          continue;
        }
        this.missedPings.set(ws, missed);
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }
}
