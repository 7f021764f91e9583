import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerWhileStarting, refuseUpgradeWhileStarting } from "../../server/http/startingGate";

/**
 * What the server answers between listening and Next being ready (`server/startServer.ts`),
 * over real HTTP on loopback: alive for a liveness probe, not ready, the API's error shape,
 * and no collaboration socket.
 */
describe("the starting gate", () => {
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    server = http.createServer(answerWhileStarting);
    server.on("upgrade", (_req, socket) => refuseUpgradeWhileStarting(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("answers /healthz 200: the process is alive while Next starts", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("answers /readyz 503 starting", async () => {
    const res = await fetch(`${base}/readyz?probe=1`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "starting" });
  });

  it("answers the API with its error shape, in Chinese, and Retry-After", async () => {
    const res = await fetch(`${base}/api/articles?q=x`, { method: "POST", body: "{}" });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("starting");
    expect(body.error.message).toMatch(/启动/);
  });

  it("answers a page 503 in plain text with Retry-After", async () => {
    const res = await fetch(`${base}/articles/x`);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.text()).toMatch(/启动/);
  });

  it("refuses a collaboration socket with 503 and Retry-After", async () => {
    const { port } = server.address() as AddressInfo;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.write(
          "GET /collab/00000000-0000-0000-0000-000000000000 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
        );
      });
      let data = "";
      socket.on("data", (chunk) => (data += chunk.toString()));
      socket.on("end", () => resolve(data));
      socket.on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer).toMatch(/Retry-After: 1\r\n/);
  });
});
