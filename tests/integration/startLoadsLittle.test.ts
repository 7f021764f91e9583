// Issue 11, "start in seconds": a start loads what serving needs and nothing more. Two things
// it used to load: SWC's native library (98 MB), only to transpile next.config.ts again, and
// every page's server code ahead of any request (Next's preloadEntriesOnStart), about 0.4 s of
// CPU per start together, spent while the reconnecting writers wait for their stories.
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { createStore, type ServerStore } from "../support/testServer";

const loadedModules = () => Object.keys(createRequire(import.meta.url).cache);
/** The server code of the story page, which no request below asks for. */
const STORY_PAGE = /[/\\]\.next[/\\]server[/\\]app[/\\]articles[/\\]\[id\][/\\]page\.js$/;

describe("a start (pglite)", () => {
  let store: ServerStore;
  let server: InProcessServer;
  beforeAll(async () => {
    store = await createStore("pglite");
    server = await startInProcessServer(store);
  });
  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  });

  it("serves with the config its build finished with, without loading SWC", async () => {
    // The built config is in effect: the framing headers of next.config.ts are sent.
    const login = await fetch(`${server.url}/login`);
    expect(login.status).toBe(200);
    expect(login.headers.get("x-frame-options")).toBe("DENY");
    expect(login.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(loadedModules().filter((file) => /next-swc|[/\\]build[/\\]swc[/\\]/.test(file))).toEqual([]);
  });

  it("loads a page's server code at its first request, not at start", async () => {
    expect(loadedModules().filter((file) => STORY_PAGE.test(file))).toEqual([]);
    const login = await fetch(`${server.url}/login`);
    expect(login.status).toBe(200);
    expect(loadedModules().some((file) => /[/\\]\.next[/\\]server[/\\]app[/\\]login[/\\]page\.js$/.test(file))).toBe(true);
  });
});
