import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import WebSocket, { WebSocketServer, type RawData } from "ws";
import type { Random } from "./random";

/** How badly the proxy treats the traffic. */
export interface Chaos {
  /** Each frame waits a uniform random 0…maxDelayMs (order within a direction is kept, as TCP does). */
  maxDelayMs: number;
  /** Mean time between cuts of a random open connection (exponential gaps); 0 = no random cuts. */
  meanCutIntervalMs: number;
  /** After a cut the client side stays open this long at most, swallowing what it sends. */
  maxCutLingerMs: number;
}

export const CALM: Chaos = { maxDelayMs: 0, meanCutIntervalMs: 0, maxCutLingerMs: 0 };

export interface ChaosProxyStats {
  /** Connections the proxy carried to the server. */
  connections: number;
  cuts: number;
  /** Frames forwarded, and frames lost in flight when a connection was cut. */
  frames: number;
  dropped: number;
}

export interface ChaosProxy {
  /** http://127.0.0.1:<port>: use it where the server's URL would go. */
  readonly url: string;
  readonly stats: ChaosProxyStats;
  /** Where new connections go (the server's http URL); open ones are not moved. */
  setTarget(url: string): void;
  setChaos(chaos: Partial<Chaos>): void;
  /** Connections open now. */
  readonly openLinks: number;
  /** Cuts every open connection, losing what is in flight. */
  cutAll(): void;
  close(): Promise<void>;
}

type Frame = { data: RawData; binary: boolean } | { close: number; reason: string };

/** Close codes a peer may send in a close frame; others (1005, 1006, …) mean "just drop it". */
const sendableCloseCode = (code: number) =>
  (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014 && code !== 1010) || (code >= 3000 && code <= 4999);

/** One direction of one connection: frames leave in order, each after its random delay. */
class Lane {
  private queue: { frame: Frame; at: number }[] = [];
  private lastAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private target: WebSocket | null = null;
  dead = false;

  constructor(
    private readonly delay: () => number,
    private readonly stats: ChaosProxyStats,
  ) {}

  attach(target: WebSocket): void {
    this.target = target;
    this.pump();
  }

  push(frame: Frame): void {
    if (this.dead) {
      this.stats.dropped += 1;
      return;
    }
    const at = Math.max(Date.now() + this.delay(), this.lastAt);
    this.lastAt = at;
    this.queue.push({ frame, at });
    this.pump();
  }

  /** Everything still queued is lost, and nothing more gets through. */
  kill(): void {
    this.dead = true;
    this.stats.dropped += this.queue.length;
    this.queue = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private pump(): void {
    if (this.timer || this.queue.length === 0 || !this.target || this.dead) return;
    const wait = Math.max(0, this.queue[0].at - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      const target = this.target;
      while (target && !this.dead && this.queue.length > 0 && this.queue[0].at <= Date.now()) {
        const { frame } = this.queue.shift()!;
        if (target.readyState !== WebSocket.OPEN) {
          this.stats.dropped += 1;
          continue;
        }
        if ("close" in frame) {
          if (sendableCloseCode(frame.close)) target.close(frame.close, frame.reason);
          else target.terminate();
          this.kill();
          return;
        }
        this.stats.frames += 1;
        target.send(frame.data, { binary: frame.binary });
      }
      this.pump();
    }, wait);
  }
}

/** A client socket and its server socket, with a lane each way. */
class Link {
  client: WebSocket | null = null;
  readonly toServer: Lane;
  readonly toClient: Lane;
  private cutDone = false;

  constructor(
    readonly upstream: WebSocket,
    delay: () => number,
    private readonly stats: ChaosProxyStats,
    private readonly onGone: (link: Link) => void,
  ) {
    this.toServer = new Lane(delay, stats);
    this.toClient = new Lane(delay, stats);
    upstream.on("message", (data, binary) => this.toClient.push({ data, binary }));
    upstream.on("close", (code, reason) => {
      this.toClient.push({ close: code, reason: reason.toString() });
      this.toServer.kill();
      this.onGone(this);
    });
    upstream.on("error", () => {});
    this.toServer.attach(upstream);
  }

  attachClient(client: WebSocket): void {
    this.client = client;
    client.on("message", (data, binary) => this.toServer.push({ data, binary }));
    client.on("close", (code, reason) => {
      this.toServer.push({ close: code, reason: reason.toString() });
      this.toClient.kill();
    });
    client.on("error", () => {});
    this.toClient.attach(client);
  }

  /**
   * A network cut: the server side goes at once, whatever is in flight is lost, and the client
   * side learns of it a little later (meanwhile what it sends goes nowhere).
   */
  cut(lingerMs: number): void {
    if (this.cutDone) return;
    this.cutDone = true;
    this.stats.cuts += 1;
    this.toServer.kill();
    this.toClient.kill();
    this.upstream.terminate();
    const client = this.client;
    if (client) setTimeout(() => client.terminate(), lingerMs).unref();
    this.onGone(this);
  }
}

/**
 * A real WebSocket proxy in front of the collaboration server (tests/reliability): every frame
 * is forwarded by `ws` with a random delay, and connections are cut at random. The handshake
 * is passed through first (cookie and origin included), so a refusal by the server reaches the
 * client as the server gave it.
 */
export async function startChaosProxy(target: string, random: Random, chaos: Partial<Chaos> = {}): Promise<ChaosProxy> {
  let targetUrl = target;
  let settings: Chaos = { ...CALM, ...chaos };
  const stats: ChaosProxyStats = { connections: 0, cuts: 0, frames: 0, dropped: 0 };
  const links = new Set<Link>();
  const delay = () => (settings.maxDelayMs > 0 ? random() * settings.maxDelayMs : 0);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const server = http.createServer((_req, res) => {
    res.writeHead(404).end();
  });

  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => {});
    const headers: Record<string, string> = {};
    for (const name of ["cookie", "origin", "user-agent"]) {
      const value = req.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    const upstream = new WebSocket(`${targetUrl.replace(/^http/, "ws")}${req.url ?? "/"}`, {
      headers,
      perMessageDeflate: false,
    });
    let opened = false;
    upstream.on("unexpected-response", (_request, response) => {
      socket.end(`HTTP/1.1 ${response.statusCode ?? 502} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      upstream.terminate();
    });
    upstream.on("error", () => {
      if (!opened) socket.destroy();
    });
    socket.once("close", () => {
      if (!opened) upstream.terminate();
    });
    upstream.once("open", () => {
      opened = true;
      if (socket.destroyed) {
        upstream.terminate();
        return;
      }
      stats.connections += 1;
      const link = new Link(upstream, delay, stats, (gone) => links.delete(gone));
      links.add(link);
      wss.handleUpgrade(req, socket, head, (client) => link.attachClient(client));
    });
  });

  let cutTimer: NodeJS.Timeout | null = null;
  const scheduleCut = () => {
    if (cutTimer) clearTimeout(cutTimer);
    cutTimer = null;
    if (settings.meanCutIntervalMs <= 0) return;
    const gap = -Math.log(1 - random()) * settings.meanCutIntervalMs;
    cutTimer = setTimeout(() => {
      cutTimer = null;
      const open = [...links];
      if (open.length > 0) random.pick(open).cut(random() * settings.maxCutLingerMs);
      scheduleCut();
    }, gap);
    cutTimer.unref();
  };
  scheduleCut();

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    setTarget(url) {
      targetUrl = url;
    },
    setChaos(next) {
      settings = { ...settings, ...next };
      scheduleCut();
    },
    get openLinks() {
      return links.size;
    },
    cutAll() {
      for (const link of [...links]) link.cut(random() * settings.maxCutLingerMs);
    },
    async close() {
      settings = { ...CALM };
      scheduleCut();
      for (const link of [...links]) link.cut(0);
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
