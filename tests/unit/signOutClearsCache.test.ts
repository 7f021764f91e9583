import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearCacheOnSignOut } from "../../server/http/signOutClearsCache";

/**
 * The answer that signs a person out drops the browser's cache of this site
 * (server/http/signOutClearsCache.ts), over real HTTP on loopback; the cookies below are the
 * shapes Auth.js writes at sign-out and sign-in.
 */
const SIGNED_OUT = "authjs.session-token=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax";
const SIGNED_OUT_SECURE = "__Secure-authjs.session-token=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax";
const SIGNED_IN = "authjs.session-token=eyJ; Path=/; Expires=Fri, 01 Jan 2100 00:00:00 GMT; HttpOnly; SameSite=Lax";
const OTHER_EXPIRED = "authjs.callback-url=; Path=/; Max-Age=0";

describe("Clear-Site-Data on sign-out", () => {
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      clearCacheOnSignOut(res);
      const url = new URL(req.url!, "http://x");
      const cookies = url.searchParams.getAll("cookie");
      if (url.pathname === "/write-head") res.writeHead(303, { "Set-Cookie": cookies, location: "/login" });
      else if (cookies.length > 0) res.setHeader("Set-Cookie", cookies);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const clearSiteData = async (path: string, cookies: string[]) => {
    const query = cookies.map((cookie) => `cookie=${encodeURIComponent(cookie)}`).join("&");
    return (await fetch(`${base}${path}?${query}`, { redirect: "manual" })).headers.get("clear-site-data");
  };

  it("clears the cache when the session cookie is expired, however the header is written", async () => {
    for (const path of ["/set-header", "/write-head"]) {
      expect(await clearSiteData(path, [SIGNED_OUT])).toBe('"cache"');
      expect(await clearSiteData(path, [OTHER_EXPIRED, SIGNED_OUT_SECURE])).toBe('"cache"');
    }
  });

  it("leaves sign-in and every other answer alone", async () => {
    for (const path of ["/set-header", "/write-head"]) {
      expect(await clearSiteData(path, [SIGNED_IN])).toBeNull();
      expect(await clearSiteData(path, [OTHER_EXPIRED])).toBeNull();
      expect(await clearSiteData(path, [])).toBeNull();
    }
  });
});
