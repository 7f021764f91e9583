import net from "node:net";

export interface LoadBalancer {
  url: string;
  /** Backends that took each connection, in order (for checking the spread). */
  readonly picks: number[];
  close(): Promise<void>;
}

/**
 * A TCP round-robin balancer in front of several server processes, like nginx without sticky
 * sessions: each new connection goes to the next backend that accepts it; a dead backend is
 * skipped, so a client whose process died reconnects to another one.
 */
export async function startLoadBalancer(backendPorts: readonly number[]): Promise<LoadBalancer> {
  let next = 0;
  const picks: number[] = [];
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };

  const connectToBackend = (attempt: number, onConnected: (upstream: net.Socket, index: number) => void, onFailed: () => void) => {
    if (attempt >= backendPorts.length) return onFailed();
    const index = next++ % backendPorts.length;
    const upstream = net.connect(backendPorts[index], "127.0.0.1");
    let connected = false;
    upstream.once("connect", () => {
      connected = true;
      onConnected(upstream, index);
    });
    upstream.once("error", () => {
      if (!connected) connectToBackend(attempt + 1, onConnected, onFailed);
    });
  };

  const server = net.createServer((downstream) => {
    track(downstream);
    downstream.pause();
    downstream.on("error", () => {});
    connectToBackend(
      0,
      (upstream, index) => {
        picks.push(index);
        track(upstream);
        upstream.on("error", () => downstream.destroy());
        downstream.on("error", () => upstream.destroy());
        upstream.once("close", () => downstream.destroy());
        downstream.once("close", () => upstream.destroy());
        downstream.pipe(upstream);
        upstream.pipe(downstream);
        downstream.resume();
      },
      () => downstream.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    picks,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
