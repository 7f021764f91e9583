import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { createStore, type ServerStore } from "../support/testServer";

/**
 * A start that fails after the database is open (here: the port is taken) lets go of
 * everything it opened (database, event bus, timers, the data directory's lock): the same
 * store then starts in the same process. Before, the embedded store stayed locked and open.
 */
describe("a failed start (pglite)", () => {
  let store: ServerStore;
  let server: InProcessServer | undefined;
  const blocker = net.createServer();

  afterAll(async () => {
    await server?.stop();
    await new Promise((resolve) => blocker.close(resolve));
    await store?.dispose();
  });

  it("closes what it opened, so the same store starts again", async () => {
    store = await createStore("pglite");
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const taken = (blocker.address() as AddressInfo).port;
    const previousPort = process.env.PORT;
    try {
      await expect(startInProcessServer(store, { PORT: String(taken) })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      if (previousPort === undefined) delete process.env.PORT;
      else process.env.PORT = previousPort;
    }
    server = await startInProcessServer(store);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
