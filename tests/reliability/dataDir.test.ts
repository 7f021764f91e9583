import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connectClient } from "../support/collabClient";
import { attemptStart } from "../support/serverStart";
import { createTeamStory, getArticle, signIn } from "../support/session";
import { createStore, startTestServer, type ServerStore, type TestServer } from "../support/testServer";

/**
 * Issue 7, promise 7: the embedded data directory belongs to one process. A second server on
 * the same directory exits with a clear message and a non-zero status, and the first one keeps
 * working; the lock does not outlive a crashed owner.
 */
describe("one process per embedded data directory", () => {
  const stores: ServerStore[] = [];
  const servers: TestServer[] = [];
  const store = async () => {
    const created = await createStore("pglite");
    stores.push(created);
    return created;
  };
  const start = async (s: ServerStore) => {
    const server = await startTestServer(s);
    servers.push(server);
    return server;
  };
  afterAll(async () => {
    for (const server of servers) await server.stop();
    for (const s of stores) await s.dispose();
  });

  it("refuses a second process with a clear message and exit status, and the first keeps working", async () => {
    const shared = await store();
    const first = await start(shared);
    const editorCookie = await signIn(first.url, "huhongye");
    const id = await createTeamStory(first.url, editorCookie, "数据目录只属于一个进程");
    const writer = connectClient(first.url, id, await signIn(first.url, "yaoyuchao"));
    await writer.waitSynced();
    writer.type("第二个进程启动之前写的字。");
    await writer.waitSaved();

    const startedAt = performance.now();
    const second = await attemptStart(shared);
    const refusedAfterMs = performance.now() - startedAt;
    if (second.started) servers.push(second.server);
    expect(second.started).toBe(false);
    if (second.started) return;
    expect(second.exitCode).not.toBe(0);
    expect(second.exitCode).not.toBeNull();
    const message = second.output.split("\n").find((line) => line.includes("data directory")) ?? "";
    expect(message).toContain(`is in use by another workbench process (pid ${first.process.pid})`);
    expect(second.output).not.toMatch(/\n\s+at /); // a message, not a stack trace

    // The first process did not notice: it still saves, serves and signs people in.
    writer.type("第二个进程被拒绝之后写的字。");
    await writer.waitSaved();
    const text = (await getArticle(first.url, editorCookie, id)).content.text;
    expect(text).toContain("第二个进程启动之前写的字。");
    expect(text).toContain("第二个进程被拒绝之后写的字。");
    expect(await signIn(first.url, "zhoumi")).toMatch(/^authjs\.session-token=/);
    // The lock names its owner: "pid start-time".
    expect(fs.readFileSync(path.join(shared.env.DATA_DIR, "server.lock"), "utf8").split(" ")[0]).toBe(String(first.process.pid));
    writer.destroy();

    // And the data is whole: after a clean stop, a new process opens it and finds every word.
    await first.stop();
    const again = await start(shared);
    const reopened = (await getArticle(again.url, await signIn(again.url, "huhongye"), id)).content.text;
    expect(reopened).toContain("第二个进程被拒绝之后写的字。");
    await again.stop();

    // Two processes started at the same moment: exactly one gets the directory.
    const race = await Promise.all([attemptStart(shared), attemptStart(shared)]);
    for (const attempt of race) if (attempt.started) servers.push(attempt.server);
    const winners = race.filter((a) => a.started).length;
    const loserExit = race.find((a) => !a.started) as { exitCode: number | null } | undefined;
    expect(winners).toBe(1);
    expect(loserExit?.exitCode).toBe(1);

    console.log(
      `second process: exit ${second.exitCode} after ${(refusedAfterMs / 1000).toFixed(1)} s ("${message.trim()}"), ` +
        `first kept working (2 edits saved, sign-in ok, data whole after restart); simultaneous start: ${winners} of 2 got the directory`,
    );
  }, 180_000);

  it("takes over the lock of a crashed owner, and only of a dead one", async () => {
    const crashed = await store();
    const owner = await start(crashed);
    const cookie = await signIn(owner.url, "huhongye");
    const id = await createTeamStory(owner.url, cookie, "崩溃之后");
    const writer = connectClient(owner.url, id, await signIn(owner.url, "xuweixiang"));
    await writer.waitSynced();
    writer.type("崩溃之前已保存的字。");
    await writer.waitSaved();
    writer.destroy();
    await owner.kill(); // SIGKILL: the lock file stays behind, naming a dead pid
    const lockPath = path.join(crashed.env.DATA_DIR, "server.lock");
    expect(fs.existsSync(lockPath)).toBe(true);
    const successor = await start(crashed);
    expect((await getArticle(successor.url, await signIn(successor.url, "huhongye"), id)).content.text).toContain("崩溃之前已保存的字。");
    await successor.stop();

    // After a crash and a restart (a container, a reboot) the dead owner's pid may now belong
    // to some unrelated live process. That process does not hold the directory (DESIGN.md §2:
    // refuse only "if another live process holds it").
    const unrelated = spawn("sleep", ["120"], { stdio: "ignore" });
    try {
      fs.writeFileSync(lockPath, String(unrelated.pid));
      const afterReuse = await attemptStart(crashed);
      if (afterReuse.started) servers.push(afterReuse.server);
      const outcome = afterReuse.started ? "started" : `refused (exit ${afterReuse.exitCode})`;
      console.log(
        `crashed owner (SIGKILL): lock taken over, saved text intact; lock naming a live unrelated process (pid ${unrelated.pid}, sleep): ${outcome}`,
      );
      expect(afterReuse.started).toBe(true);
    } finally {
      unrelated.kill("SIGKILL");
    }
  }, 180_000);
});
