import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/backends";
import { connectClient, rawConnect, type CollabClient } from "../support/collabClient";
import {
  FrameFuzzer,
  fuzzConnection,
  handshakeWithFrames,
  wireFrames,
  type FuzzBurst,
  type FuzzKind,
  type FuzzOutcome,
} from "../support/frameFuzzer";
import { seededRandom } from "../support/random";
import { docFingerprint, scenarioCount } from "../support/reliability";
import {
  loopDelayEnv,
  percentile,
  readLoopDelay,
  resetLoopDelay,
  rssMb,
  startServerProbe,
} from "../support/serverProbe";
import { addMembers, api, createArticle, signIn } from "../support/session";
import { storedDocs, storiesRows, type StoryRows } from "../support/storedStory";
import { createStore, startTestServer, type ServerStore, type TestServer } from "../support/testServer";
import { recordTraffic, type TrafficRecording } from "../support/trafficRecorder";
import { sleep, waitFor } from "../support/wait";
import { dropSocket } from "../support/dropSocket";

/**
 * Issue 7, promise 4: bad frames. A fuzzer writes at least FUZZ_FRAMES (100 000) WebSocket
 * frames over many raw `ws` connections while three real clients edit the same story; the
 * server must stay up and responsive, close each offending connection (and only it), leave
 * every other story byte for byte as it was, and the real clients must converge. The limits
 * (message size, frames before auth, sockets per user and per story) run with small values.
 */
const MAX_MESSAGE_BYTES = 256 * 1024;
const PER_USER = 24;
const PER_STORY = 40;
const FUZZ_FRAMES = scenarioCount("FUZZ_FRAMES", 100_000, 1_000_000);
/** Connections fuzzing at once: well under both socket limits, and kind to a 2-core machine. */
const FUZZ_PARALLEL = scenarioCount("FUZZ_PARALLEL", 2, 2);
/**
 * Frames per connection for the replay kinds. A replayed frame may be a valid request whose cost
 * grows with the document (see the step-1 flood test); the server hands a connection's frames
 * over in shares (COLLAB_FRAMES_PER_TURN), and this keeps the whole replay of one connection short.
 */
const REPLAY_BURST = scenarioCount("FUZZ_REPLAY_BURST", 40, 40);
const LIMITS_ENV = {
  COLLAB_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
  COLLAB_MAX_CONNECTIONS_PER_USER: String(PER_USER),
  COLLAB_MAX_CONNECTIONS_PER_STORY: String(PER_STORY),
  // The frames-before-join test answers 64 query-awareness frames; their own rate budget
  // (4429, tests/reliability/socketBudgets.test.ts) is not what it measures.
  COLLAB_MAX_AWARENESS_QUERIES_PER_SECOND: "100",
};
const USERS = ["yaoyuchao", "xuweixiang", "zhoumi", "huhongye"] as const;
type User = (typeof USERS)[number];

/** A socket held open; resolves once the server has let it in (its first message) or closed it. */
function holdSocket(url: string, cookie: string): Promise<{ ws: WebSocket; admitted: boolean }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { cookie } });
    ws.on("error", () => {});
    ws.once("message", () => resolve({ ws, admitted: true }));
    ws.once("close", () => resolve({ ws, admitted: false }));
  });
}

/** The bursts of one run: every kind, the cheap ones many times, until FUZZ_FRAMES is reached. */
function fuzzPlan(fuzzer: FrameFuzzer, random: ReturnType<typeof seededRandom>): FuzzBurst[] {
  const plan: FuzzBurst[] = [];
  const add = (kind: FuzzKind, times: number, size: number) => {
    for (let i = 0; i < times; i++) plan.push(fuzzer.burst(kind, size));
  };
  add("fragmentFlood", 2, 0);
  add("oversize", 12, 0);
  add("hugeHeader", 12, 0);
  add("badUtf8", 20, 50);
  add("text", 20, 50);
  add("empty", 20, 50);
  add("fragmentedGarbage", 20, 500);
  add("hugeLength", 40, 100);
  let frames = plan.reduce((n, b) => n + b.frames.reduce((m, f) => m + wireFrames(f), 0), 0);
  while (frames < FUZZ_FRAMES) {
    const kind = random.pick(["random", "bitflip", "bitflip", "truncated"] as const);
    const burst = fuzzer.burst(kind, kind === "random" ? 100 : REPLAY_BURST);
    plan.push(burst);
    frames += burst.frames.reduce((m, f) => m + wireFrames(f), 0);
  }
  // Shuffle, so floods, oversize frames and replays overlap in time.
  for (let i = plan.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [plan[i], plan[j]] = [plan[j], plan[i]];
  }
  return plan;
}

describe.each(backends())("bad frames while people edit (%s)", (backend) => {
  let store: ServerStore;
  let server: TestServer;
  const cookie = {} as Record<User, string>;
  let target: string;
  let bystanders: string[];
  let limitsStory: string;
  let earlyStory: string;
  let recording: TrafficRecording;
  let rowsBefore: StoryRows[];
  const random = seededRandom();
  const loopFile = path.join(os.tmpdir(), `newsroom-loop-${process.pid}-${Date.now()}.json`);
  const serverEnv = { ...LIMITS_ENV, ...loopDelayEnv(loopFile) };
  const wsUrl = (id: string) => `${server.url.replace(/^http/, "ws")}/collab/${id}`;

  /** A story with `members` on its byline and a paragraph of text from its first member. */
  async function storyWithText(members: User[], text: string): Promise<string> {
    const id = await createArticle(server.url, cookie.huhongye, text.slice(0, 12));
    await addMembers(server.url, cookie.huhongye, id, members);
    const writer = connectClient(server.url, id, cookie[members[0]]);
    await writer.waitSynced();
    writer.type(text);
    await writer.waitSaved();
    writer.destroy();
    return id;
  }

  beforeAll(async () => {
    store = await createStore(backend);
    server = await startTestServer(store, serverEnv);
    for (const user of USERS) cookie[user] = await signIn(server.url, user);
    // The fuzzed story: zhoumi is not on its byline, so her connections are read-only.
    target = await storyWithText(["yaoyuchao", "xuweixiang"], "模糊测试的目标稿件。");
    recording = await recordTraffic(server.url, target, cookie.yaoyuchao, random);
    // Bystanders: a draft zhoumi may only read (she fuzzes it too), a submitted and a published one.
    const draft = await storyWithText(["yaoyuchao", "xuweixiang"], "旁观稿件一:草稿,通讯员周汨只能看。");
    const submitted = await storyWithText(["xuweixiang"], "旁观稿件二:已提交待审。");
    expect((await api(server.url, cookie.xuweixiang, "POST", `/api/articles/${submitted}/transitions`, { action: "submit" })).status).toBe(200);
    const published = await storyWithText(["zhoumi"], "旁观稿件三:已经发布的稿件。");
    for (const action of ["submit", "approve", "publish"]) {
      const as = action === "submit" ? cookie.zhoumi : cookie.huhongye;
      expect((await api(server.url, as, "POST", `/api/articles/${published}/transitions`, { action })).status).toBe(200);
    }
    bystanders = [draft, submitted, published];
    limitsStory = await createArticle(server.url, cookie.huhongye, "限额");
    earlyStory = await createArticle(server.url, cookie.huhongye, "认证前的帧");
    // The stored rows of the bystanders, read with the server stopped (one process per PGlite).
    await sleep(1000); // rooms idle out (COLLAB_ROOM_IDLE_MS=200) and store themselves
    await server.stop();
    rowsBefore = await storiesRows(store, bystanders);
    server = await startTestServer(store, serverEnv);
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
    for (const file of [loopFile, `${loopFile}.tmp`, `${loopFile}.reset`]) fs.rmSync(file, { force: true });
  });

  it("enforces the configured limits: message size, frames before auth, sockets per user and per story", async () => {
    const url = wsUrl(limitsStory);
    // Message size: exactly the limit is read (and refused as a protocol error); one byte more is 1009.
    const atLimit = Buffer.concat([Buffer.from([42]), Buffer.alloc(MAX_MESSAGE_BYTES - 1)]);
    const overLimit = Buffer.alloc(MAX_MESSAGE_BYTES + 1);
    const at = await fuzzConnection(url, { cookie: cookie.zhoumi }, [{ type: "binary", data: atLimit }]);
    const over = await fuzzConnection(url, { cookie: cookie.zhoumi }, [{ type: "binary", data: overLimit }]);
    expect(at.closeCode).toBe(4400);
    expect(over.closeCode).toBe(1009);

    // Frames before auth: written in the same TCP write as the handshake, so they arrive before
    // the session is even checked. 64 are held and then answered; 65 close the socket (1008)
    // and nothing of the story is sent. (On its own story and account: see the next test.)
    const queryAwareness = (n: number) => Array.from({ length: n }, () => Buffer.from([3]));
    const early64 = await handshakeWithFrames(wsUrl(earlyStory), { cookie: cookie.xuweixiang }, queryAwareness(64), 3000);
    const early65 = await handshakeWithFrames(wsUrl(earlyStory), { cookie: cookie.xuweixiang }, queryAwareness(65));
    expect(early64.httpStatus).toBe(101);
    expect(early64.closeCode).toBeNull();
    expect(early64.messages).toBeGreaterThan(64);
    expect(early65.closeCode).toBe(1008);
    expect(early65.messages).toBe(0);
    // Without a session: "not signed in" (or 1008 when the flood wins the race), never a story byte.
    const anonymousEarly = await handshakeWithFrames(url, {}, queryAwareness(10));
    const anonymousFlood = await handshakeWithFrames(url, {}, queryAwareness(200));
    expect(anonymousEarly.closeCode).toBe(4401);
    expect([1008, 4401]).toContain(anonymousFlood.closeCode);
    expect(anonymousEarly.messages + anonymousFlood.messages).toBe(0);

    // Sockets per user: PER_USER held by zhoumi (over two stories); one more is refused.
    const held = (user: User, id: string, n: number) => Array.from({ length: n }, () => holdSocket(wsUrl(id), cookie[user]));
    const sockets = await Promise.all([
      ...held("zhoumi", limitsStory, PER_STORY / 2),
      ...held("zhoumi", bystanders[0], PER_USER - PER_STORY / 2),
      ...held("huhongye", limitsStory, PER_STORY / 2),
    ]);
    const userRefused = await rawConnect(wsUrl(target), { cookie: cookie.zhoumi }, { waitMs: 1500 });
    // Sockets per story: PER_STORY held on limitsStory; one more, by anyone, is refused.
    const storyRefused = await rawConnect(url, { cookie: cookie.yaoyuchao }, { waitMs: 1500 });
    const otherStory = await rawConnect(wsUrl(target), { cookie: cookie.yaoyuchao }, { waitMs: 800 });
    for (const socket of sockets) socket.ws.close();
    expect(sockets.filter((s) => s.admitted)).toHaveLength(PER_USER + PER_STORY / 2);
    expect(userRefused.closeCode).toBe(4429);
    expect(userRefused.messages).toHaveLength(0);
    expect(storyRefused.closeCode).toBe(4429);
    expect(storyRefused.messages).toHaveLength(0);
    expect(otherStory.messages.length).toBeGreaterThan(0);
    // Once they are closed, the same account gets in again.
    await waitFor(async () => (await rawConnect(url, { cookie: cookie.zhoumi }, { waitMs: 800 })).messages.length > 0, {
      message: "a place again after closing",
    });

    console.log(
      `limits: ${MAX_MESSAGE_BYTES} B message read (closed ${at.closeCode}), ${MAX_MESSAGE_BYTES + 1} B closed ${over.closeCode}; ` +
        `64 frames before auth answered, 65 closed ${early65.closeCode} with 0 story bytes; ` +
        `${PER_USER} sockets per user, next ${userRefused.closeCode}; ${PER_STORY} per story, next ${storyRefused.closeCode}; no story byte to a refused socket`,
    );
  }, 120_000);

  it("stays responsive when a read-only socket floods valid sync-step-1 requests", async () => {
    // A story of realistic size (about a hundred paragraphs), open in the editor's client.
    const id = await storyWithText(["yaoyuchao"], "长篇稿件。");
    const editor = connectClient(server.url, id, cookie.huhongye);
    await editor.waitSynced();
    const paragraph = "湘江边的社区书屋里，夜读的人越来越多，老厂房改成的阅览室灯火通明。".repeat(6);
    for (let i = 0; i < 100; i++) editor.type(paragraph);
    await editor.waitSaved(60_000);
    const docBytes = (await import("yjs")).encodeStateAsUpdate(editor.doc).byteLength;

    // zhoumi is not on the byline: she may only read. 2 000 four-byte "send me everything"
    // requests (sync step 1 with an empty state vector), written at once: 8 KB on the wire.
    const requests = 2000;
    const rssBefore = rssMb(server.process.pid!);
    await resetLoopDelay(loopFile);
    const answered = await new Promise<{ messages: number; bytes: number; closeCode: number | null }>((resolve) => {
      const result = { messages: 0, bytes: 0, closeCode: null as number | null };
      const ws = new WebSocket(wsUrl(id), { headers: { cookie: cookie.zhoumi } });
      const done = () => {
        clearTimeout(timer);
        dropSocket(ws);
        resolve(result);
      };
      const timer = setTimeout(done, 30_000);
      let sent = false;
      ws.on("message", (data: Buffer) => {
        result.messages += 1;
        result.bytes += data.length;
        if (!sent) {
          sent = true;
          for (let i = 0; i < requests; i++) ws.send(Buffer.from([0, 0, 1, 0]));
        }
        if (result.messages >= requests + 3) done();
      });
      ws.on("close", (code) => {
        result.closeCode = code;
        done();
      });
      ws.on("error", () => {});
    });
    const loop = await readLoopDelay(loopFile);
    const rssAfter = rssMb(server.process.pid!);
    editor.destroy();
    console.log(
      `step-1 flood: ${requests} requests (${requests * 4} B) from a read-only socket on a ${(docBytes / 1024).toFixed(0)} KB story, ` +
        `answered ${answered.messages} messages / ${(answered.bytes / 1024 / 1024).toFixed(0)} MB (closed ${answered.closeCode ?? "no"}), ` +
        `p99 loop delay: ${loop.p99.toFixed(0)} ms, max stall ${loop.max.toFixed(0)} ms, rss ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB`,
    );
    expect(server.process.exitCode).toBeNull();
    expect(loop.pid).toBe(server.process.pid);
    // The loop delay is a figure (printed above), not a verdict: under a loaded CI machine it
    // says nothing about the server (DESIGN.md §7; the threshold lives in bench/).
    expect(Number.isFinite(loop.p99)).toBe(true);
  }, 180_000);

  it("answers malformed collaboration paths instead of leaving the socket hanging", async () => {
    const paths = ["/collab/%", "/collab/%E0%A4%A", "/collab/%ZZ", "/collab/%C0%AF", "/collab/..%2F..%2Fetc%2Fpasswd", `/collab/${"a".repeat(5000)}`];
    const before = server.output().split("uncaughtException").length - 1;
    const outcomes = await Promise.all(
      paths.map((path) => rawConnect(`${server.url.replace(/^http/, "ws")}${path}`, { cookie: cookie.zhoumi }, { waitMs: 5000 })),
    );
    const answered = outcomes.filter((o) => o.httpStatus !== null || o.closeCode !== null).length;
    const uncaught = server.output().split("uncaughtException").length - 1 - before;
    expect(server.process.exitCode).toBeNull();
    console.log(`bad handshakes: ${paths.length} paths, answered: ${answered}, left hanging: ${paths.length - answered}, uncaught exceptions in the server log: ${uncaught}`);
    expect(outcomes.every((o) => o.messages.length === 0)).toBe(true);
    expect(uncaught).toBe(0);
    expect(answered).toBe(paths.length);
  }, 60_000);

  it(`survives ${FUZZ_FRAMES} bad frames while three people edit`, async () => {
    const fuzzer = new FrameFuzzer(random, recording, MAX_MESSAGE_BYTES);
    const plan = fuzzPlan(fuzzer, random);
    const pid = server.process.pid!;
    const baselineMb = rssMb(pid);
    const uncaughtBefore = server.output().split("uncaughtException").length - 1;

    // Three real clients edit the fuzzed story all along.
    const writers: [User, CollabClient][] = (["yaoyuchao", "xuweixiang", "huhongye"] as const).map((u) => [
      u,
      connectClient(server.url, target, cookie[u]),
    ]);
    const clients = writers.map(([, c]) => c);
    await Promise.all(clients.map((c) => c.waitSynced()));
    let typing = true;
    let typed = 0;
    const typers = writers.map(async ([user, client]) => {
      while (typing) {
        client.type(`[${user}-${typed++}]`);
        await sleep(100);
      }
    });

    const probe = startServerProbe(server.url, pid, 50);
    await sleep(500);
    await resetLoopDelay(loopFile);
    // Who fuzzes: two writers and a read-only reporter on the target, the same reporter on a bystander.
    const identities: [User, string][] = [
      ["yaoyuchao", target],
      ["yaoyuchao", target],
      ["huhongye", target],
      ["zhoumi", target],
      ["zhoumi", bystanders[0]],
    ];
    const outcomes: { burst: FuzzBurst; outcome: FuzzOutcome }[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: FUZZ_PARALLEL }, async () => {
        while (next < plan.length) {
          const burst = plan[next++];
          const [user, story] = random.pick(identities);
          outcomes.push({ burst, outcome: await fuzzConnection(wsUrl(story), { cookie: cookie[user] }, burst.frames) });
        }
      }),
    );
    const fuzzSeconds = (performance.now() - started) / 1000;
    const loop = await readLoopDelay(loopFile);
    const report = await probe.stop();
    typing = false;
    await Promise.all(typers);

    // The real clients converge, with each other and with what the server stored.
    await Promise.all(clients.map((c) => c.waitSaved(30_000)));
    await waitFor(() => new Set(clients.map((c) => docFingerprint(c.doc))).size === 1, { message: "real clients converge", timeoutMs: 30_000 });
    const finalText = clients[0].bodyText();
    const lostTokens = [...Array(typed).keys()].filter((i) => !writers.some(([u]) => finalText.includes(`[${u}-${i}]`))).length;
    const convergedXml = clients[0].doc.getXmlFragment("body").toString();
    for (const c of clients) c.destroy();

    const framesSent = outcomes.reduce((n, o) => n + o.outcome.framesSent, 0);
    const wrongClose = outcomes.filter(({ burst, outcome }) => !burst.expectClose.includes(outcome.closeCode ?? -1));
    const closed = outcomes.length - outcomes.filter((o) => o.outcome.closeCode === null).length;
    const codes = new Map<number, number>();
    for (const { outcome } of outcomes) codes.set(outcome.closeCode ?? 0, (codes.get(outcome.closeCode ?? 0) ?? 0) + 1);
    const probeP50 = percentile(report.latencies, 50);
    const probeP99 = percentile(report.latencies, 99);
    const rssMaxMb = Math.max(...report.rssKb) / 1024;
    const uncaught = server.output().split("uncaughtException").length - 1 - uncaughtBefore;
    const aliveAfter = server.process.exitCode === null && (await fetch(`${server.url}/api/auth/csrf`)).ok;

    // Every other story, byte for byte, from the database (server stopped for PGlite).
    await server.stop();
    const rowsAfter = await storiesRows(store, bystanders);
    const changedStories = rowsAfter.filter((rows, i) => JSON.stringify(rows) !== JSON.stringify(rowsBefore[i])).length;
    const stored = await storedDocs(store, target);
    const storedXml = stored.loaded.getXmlFragment("body").toString();

    console.log(
      `frames: ${framesSent} over ${outcomes.length} connections (${FUZZ_PARALLEL} at a time) in ${fuzzSeconds.toFixed(0)} s (seed ${random.seed}), ` +
        `closed: ${closed} (${[...codes].map(([c, n]) => `${c}×${n}`).join(", ")}), wrong close: ${wrongClose.length}, ` +
        `p99 loop delay: ${loop.p99.toFixed(0)} ms (max stall ${loop.max.toFixed(0)} ms; outside csrf probe p50 ${probeP50.toFixed(0)} / p99 ${probeP99.toFixed(0)} ms, ${report.latencies.length} probes, ${report.failures} failed), ` +
        `rss max: ${rssMaxMb.toFixed(0)} MB (before ${baselineMb.toFixed(0)} MB), fds max ${Math.max(...report.fds)}, ` +
        `server up (${uncaught} uncaught exceptions), real clients converged (${typed} tokens typed, ${lostTokens} lost), ` +
        `${changedStories === 0 ? "other stories unchanged" : `${changedStories} other stories CHANGED`} (${bystanders.length}, byte for byte)`,
    );
    expect(aliveAfter).toBe(true);
    expect(uncaught).toBe(0);
    expect(framesSent).toBeGreaterThanOrEqual(FUZZ_FRAMES);
    expect(wrongClose.map(({ burst, outcome }) => `${burst.kind}: ${outcome.closeCode}`)).toEqual([]);
    expect(closed).toBe(outcomes.length);
    expect(report.failures).toBe(0);
    expect(loop.pid).toBe(pid); // measured inside the server process itself
    expect(Number.isFinite(loop.p99)).toBe(true); // printed, never judged here (DESIGN.md §7)
    expect(rssMaxMb).toBeLessThan(baselineMb + 768);
    expect(lostTokens).toBe(0);
    expect(storedXml).toBe(convergedXml);
    expect(changedStories).toBe(0);
  }, 420_000);

  it("gives back a socket's place when it is closed before it joined its story", async () => {
    // Each of these is closed by the server itself (1008, too many frames before auth) while
    // its session is still being checked. None of them ever joined, so none may keep a place.
    // Last in this file: a leaked place stays taken until the server restarts.
    if (server.process.exitCode !== null || server.process.signalCode !== null) server = await startTestServer(store, serverEnv);
    const id = await createArticle(server.url, cookie.huhongye, "提前关闭");
    const flood = Array.from({ length: 65 }, () => Buffer.from([3]));
    const closedEarly: (number | null)[] = [];
    // Twice PER_USER by the editor, then twice PER_USER by zhoumi: more than PER_STORY in all.
    // (Whether one such socket keeps its place is a race between its close and the session
    // lookup; the close usually wins, so this many make the outcome certain either way.)
    for (let i = 0; i < 4 * PER_USER; i++) {
      const as = i < 2 * PER_USER ? cookie.huhongye : cookie.zhoumi;
      closedEarly.push((await handshakeWithFrames(wsUrl(id), { cookie: as }, flood)).closeCode);
    }
    await sleep(500);
    const later = await rawConnect(wsUrl(id), { cookie: cookie.yaoyuchao }, { waitMs: 1000 });
    const sameUser = await rawConnect(wsUrl(target), { cookie: cookie.huhongye }, { waitMs: 1000 });
    console.log(
      `closed before join: ${closedEarly.filter((c) => c === 1008).length} sockets; afterwards another account on that story: ` +
        `${later.closeCode === null ? "admitted" : `refused ${later.closeCode}`}, the same account elsewhere: ${sameUser.closeCode === null ? "admitted" : `refused ${sameUser.closeCode}`}`,
    );
    expect(closedEarly.every((c) => c === 1008)).toBe(true);
    expect(later.closeCode).toBeNull();
    expect(later.messages.length).toBeGreaterThan(0);
    expect(sameUser.closeCode).toBeNull();
  }, 120_000);
});
