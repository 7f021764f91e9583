import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keepRouterPayloadsReadable } from "../../server/http/routerPayloadCaching";

/** Next's answer to a dynamic page or action, as it sets it (tests/e2e/quietConsole.test.ts has the browser's side). */
const NEXT_DYNAMIC = "private, no-cache, no-store, max-age=0, must-revalidate";

/**
 * Which answers lose `no-store` (server/http/routerPayloadCaching.ts), over real HTTP on
 * loopback, whether the header is set with `setHeader` or passed to `writeHead`.
 */
describe("Cache-Control of the App Router's own requests", () => {
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      keepRouterPayloadsReadable(req, res);
      // A route handler's own answer to the same kind of request: JSON, not a router payload.
      const contentType = req.url?.startsWith("/api/") ? "application/json" : "text/x-component";
      if (req.url?.endsWith("/write-head")) {
        res.writeHead(200, { "Cache-Control": NEXT_DYNAMIC, "content-type": contentType });
      } else {
        res.setHeader("Cache-Control", NEXT_DYNAMIC);
        res.setHeader("content-type", contentType);
      }
      res.end("0:{}\n");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const cacheControl = async (path: string, headers: Record<string, string>) => (await fetch(`${base}${path}`, { headers })).headers.get("cache-control");

  it("drops only no-store for router requests and server actions, however the header is written", async () => {
    for (const path of ["/set-header", "/write-head"]) {
      expect(await cacheControl(path, { rsc: "1" })).toBe("private, no-cache, max-age=0, must-revalidate");
      expect(await cacheControl(path, { "next-action": "abc" })).toBe("private, no-cache, max-age=0, must-revalidate");
    }
  });

  it("leaves documents and every other request no-store", async () => {
    for (const path of ["/set-header", "/write-head"]) expect(await cacheControl(path, {})).toBe(NEXT_DYNAMIC);
  });

  it("leaves a route handler's own answer to a router request no-store", async () => {
    for (const path of ["/api/set-header", "/api/write-head"]) expect(await cacheControl(path, { rsc: "1" })).toBe(NEXT_DYNAMIC);
  });

  it("keeps no-store on a plain-HTTP origin, where the browser would ignore the sign-out's Clear-Site-Data", async () => {
    const intranet = (path: string, headers: Record<string, string>) =>
      new Promise<string | undefined>((resolve, reject) => {
        const url = new URL(base);
        http
          .get({ host: url.hostname, port: url.port, path, headers: { ...headers, host: "newsroom.intranet:3000" } }, (res) => {
            res.resume();
            resolve(res.headers["cache-control"]);
          })
          .on("error", reject);
      });
    for (const path of ["/set-header", "/write-head"]) {
      expect(await intranet(path, { rsc: "1" })).toBe(NEXT_DYNAMIC);
      expect(await intranet(path, { rsc: "1", "x-forwarded-proto": "https" })).toBe("private, no-cache, max-age=0, must-revalidate");
    }
  });
});
