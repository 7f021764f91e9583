import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/backends";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { api, trySignIn } from "../support/session";
import { createStore, PROJECT_ROOT, type ServerStore } from "../support/testServer";

const PASSWORD = "第一位管理员-的密码";

/** Runs `npm run admin:create -- <args>` as a person would, the password piped to standard input. */
function adminCreate(store: ServerStore, args: string[], password: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const { AUTH_SECRET: _secret, ...inherited } = process.env;
    const child = spawn(process.execPath, ["--import", "tsx", "server/cli/adminCreate.ts", ...args], {
      cwd: PROJECT_ROOT,
      env: { ...inherited, ...store.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.stdin.end(`${password}\n`);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

describe.each(backends())("npm run admin:create (%s)", (backend) => {
  let store: ServerStore;
  let server: InProcessServer | undefined;

  beforeAll(async () => {
    store = await createStore(backend);
  });
  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  });

  // Three CLI processes and a server start: generous on a busy machine (a deadline, not a timing claim).
  it("creates an admin who signs in and opens the console; a weak password and a taken name are refused", { timeout: 300_000 }, async () => {
    const weak = await adminCreate(store, ["weakchief"], "12345");
    expect(weak.code).toBe(1);
    expect(weak.output).toContain("至少需要 10 个字符");

    const created = await adminCreate(store, ["chief", "--name", "总编辑"], PASSWORD);
    expect(created.output).toContain("created admin chief");
    expect(created.code).toBe(0);
    const taken = await adminCreate(store, ["chief"], PASSWORD);
    expect(taken.code).toBe(1);
    expect(taken.output).toContain("已被使用");

    server = await startInProcessServer(store);
    const cookie = await trySignIn(server.url, "chief", PASSWORD);
    expect(cookie).not.toBeNull();
    const accounts = await api<{ users: { username: string; name: string; role: string }[] }>(server.url, cookie, "GET", "/api/admin/users");
    expect(accounts.status).toBe(200);
    expect(accounts.body.users).toContainEqual(expect.objectContaining({ username: "chief", name: "总编辑", role: "admin" }));

    if (backend === "pglite") {
      // The server holds the embedded data directory: a clear refusal, nothing written.
      const locked = await adminCreate(store, ["deputy"], PASSWORD);
      expect(locked.code).toBe(1);
      expect(locked.output).toContain("in use by another workbench process");
      expect(locked.output).toContain("stop it");
      expect(await trySignIn(server.url, "deputy", PASSWORD)).toBeNull();
    }
  });
});
