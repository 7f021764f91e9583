// Issue 7, promise 1: saved means saved. Real clients type unique tokens while the server
// process is killed with SIGKILL at random moments and restarted on the same data. Method and
// figures: docs/RELIABILITY.md §1.
import * as encoding from "lib0/encoding";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import * as syncProtocol from "y-protocols/sync";
import { MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC } from "../../newsroom/collabMessages";
import { backends } from "../support/backends";
import { connectClient, type CollabClient } from "../support/collabClient";
import { seededRandom } from "../support/random";
import { collabUrl, onSavedVector, ownClock, pointAt, scenarioCount, scenarioTimeout } from "../support/reliability";
import { createTeamStory, getArticle, signIn } from "../support/session";
import { createStore, startTestServer, type ServerStore, type TestServer } from "../support/testServer";
import { sleep, waitFor } from "../support/wait";

const KILLS = scenarioCount("RELIABILITY_KILLS", 20, 200);
const CLIENTS = 20;
const USERS = ["yaoyuchao", "xuweixiang", "zhoumi", "huhongye"] as const;
/** Between two tokens a client waits this long (ms), so 20 clients send about 80 updates/s. */
const TYPING_GAP_MS = [100, 400] as const;
/** The server lives this long (ms) after it listens before it is killed: some kills land while
 * clients reconnect and sync, others mid-typing with commits in flight. */
const UPTIME_MS = [0, 2000] as const;
/** At each kill a client is closed for good with this probability (and a new one joins). */
const CLOSE_CHANCE = 0.1;

interface Token {
  text: string;
  /** The writer's own clock once the token was typed: saved when the saved vector reaches it. */
  clock: number;
  saved: boolean;
}

interface Writer {
  index: number;
  client: CollabClient;
  tokens: Token[];
  /** Tokens before this index are saved (they are typed, and saved, in order). */
  savedUpTo: number;
  open: boolean;
  /** Close codes this client's connections ended with (for the report when something fails). */
  closes: Map<number | string, number>;
}

const TOKEN_PATTERN = /⟦\d+\.\d+⟧/g;

// Every WebsocketProvider adds a process "exit" listener; dozens of clients are expected here.
process.setMaxListeners(0);

describe.each(backends())("promise 1: saved means saved (%s)", (backend) => {
  let store: ServerStore;
  let server: TestServer;

  beforeAll(async () => {
    store = await createStore(backend);
    server = await startTestServer(store);
  });
  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  });

  it(
    `${KILLS} SIGKILLs while ${CLIENTS} clients type: every token acknowledged as saved survives, none twice`,
    async () => {
      const random = seededRandom();
      const cookies = new Map<string, string>();
      for (const user of USERS) cookies.set(user, await signIn(server.url, user));
      const editor = cookies.get("huhongye")!;
      const id = await createTeamStory(server.url, editor, "断电压力测试");

      const writers: Writer[] = [];
      let typing = true;

      const addWriter = (): Writer => {
        const index = writers.length;
        const client = connectClient(server.url, id, cookies.get(USERS[index % USERS.length])!);
        const writer: Writer = { index, client, tokens: [], savedUpTo: 0, open: true, closes: new Map() };
        client.provider.on("connection-close", (event) => {
          const code = event?.code ?? "local";
          writer.closes.set(code, (writer.closes.get(code) ?? 0) + 1);
        });
        onSavedVector(client, (vector) => {
          const saved = vector.get(client.doc.clientID) ?? 0;
          while (writer.savedUpTo < writer.tokens.length && writer.tokens[writer.savedUpTo].clock <= saved) {
            writer.tokens[writer.savedUpTo].saved = true;
            writer.savedUpTo += 1;
          }
        });
        writers.push(writer);
        // Types on whether or not the server is up: edits made offline go out on reconnect.
        void (async () => {
          await client.waitSynced().catch(() => {});
          while (typing && writer.open) {
            await sleep(random.int(...TYPING_GAP_MS));
            if (!typing || !writer.open) break;
            const text = `⟦${index}.${writer.tokens.length}⟧`;
            client.type(text);
            writer.tokens.push({ text, clock: ownClock(client), saved: false });
          }
        })();
        return writer;
      };

      const lost = new Set<string>();
      const undelivered = new Set<string>();
      const duplicated = new Set<string>();
      const stray = new Set<string>();
      /** Checks the stored story: every saved token in it, no token twice, nothing unknown. */
      const checkStored = async (when: string, everyTokenOfOpenWriters: boolean) => {
        // GET reads the database (snapshot + log), not a room: what a restart brings back.
        const { content } = await getArticle(server.url, editor, id);
        const counts = new Map<string, number>();
        for (const match of content.text.matchAll(TOKEN_PATTERN)) counts.set(match[0], (counts.get(match[0]) ?? 0) + 1);
        const known = new Set<string>();
        const problems: string[] = [];
        for (const writer of writers) {
          for (const token of writer.tokens) {
            known.add(token.text);
            const n = counts.get(token.text) ?? 0;
            if (n > 1 && !duplicated.has(token.text)) {
              duplicated.add(token.text);
              problems.push(`${token.text} ×${n}`);
            }
            if (n === 0 && token.saved && !lost.has(token.text)) {
              lost.add(token.text);
              problems.push(`${token.text} missing (was saved)`);
            } else if (n === 0 && everyTokenOfOpenWriters && writer.open) {
              undelivered.add(token.text);
              problems.push(`${token.text} missing (its client stayed open)`);
            }
          }
        }
        for (const text of counts.keys()) if (!known.has(text)) stray.add(text);
        if (problems.length > 0) console.error(`[${backend}] ${when}: ${problems.slice(0, 20).join(", ")}`);
      };

      for (let i = 0; i < CLIENTS; i++) addWriter();
      await Promise.all(writers.map((w) => w.client.waitSynced()));

      let kills = 0;
      let closed = 0;
      /** What the killed processes logged about the collab socket, by kind (for the report). */
      const serverComplaints = new Map<string, number>();
      const noteComplaints = (output: string) => {
        for (const line of output.split("\n")) {
          if (!/\[collab\]|error/i.test(line)) continue;
          const kind = line.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "<id>").replace(/\d+/g, "N").slice(0, 160);
          serverComplaints.set(kind, (serverComplaints.get(kind) ?? 0) + 1);
        }
      };
      for (let k = 1; k <= KILLS; k++) {
        await sleep(random.int(...UPTIME_MS));
        await server.kill();
        noteComplaints(server.output());
        kills += 1;
        const leaving = writers.filter((w) => w.open && random.chance(CLOSE_CHANCE));
        for (const writer of leaving) {
          writer.open = false;
          writer.client.destroy();
          closed += 1;
        }
        server = await startTestServer(store);
        // Before any client reconnects: a saved token the database lost would otherwise come
        // back from the client that typed it and hide the loss.
        await checkStored(`after kill ${k}`, false);
        pointAt(
          writers.filter((w) => w.open).map((w) => w.client),
          server,
        );
        for (let i = 0; i < leaving.length; i++) addWriter();
      }

      // The last server stays up: every open client delivers what it still holds.
      typing = false;
      const open = writers.filter((w) => w.open);
      // A client refused with a close code the stock provider never retries (44xx) has given up.
      const settled = (w: Writer) => w.client.provider.serverUrl === collabUrl(server) && (w.client.isSaved() || !w.client.provider.shouldConnect);
      let stuck: Error | null = null;
      await waitFor(() => open.every(settled), { timeoutMs: 120_000, message: "every open client saved" }).catch((err: Error) => {
        stuck = err;
      });
      if (!stuck && !open.every((w) => w.client.isSaved())) stuck = new Error("open clients gave up before their words were saved");
      await checkStored("final", true);
      if (stuck) {
        for (const w of open.filter((w) => !w.client.isSaved())) {
          const p = w.client.provider;
          console.error(
            `[${backend}] writer ${w.index} never saved: connected ${p.wsconnected}, synced ${p.synced}, ` +
              `still trying ${p.shouldConnect}, closes ${JSON.stringify([...w.closes])}, ` +
              `unsaved tokens ${w.tokens.length - w.savedUpTo} of ${w.tokens.length}`,
          );
        }
        noteComplaints(server.output());
        console.error([...serverComplaints].map(([kind, n]) => `${n}× ${kind}`).join("\n"));
      }

      // The story loads: a fresh client gets exactly what is stored, after a graceful restart too.
      const stored = (await getArticle(server.url, editor, id)).content.text;
      await server.stop();
      server = await startTestServer(store);
      const reader = connectClient(server.url, id, editor);
      await reader.waitSynced();
      const readerText = reader.bodyText();
      reader.destroy();
      for (const writer of open) writer.client.destroy();

      const allTokens = writers.flatMap((w) => w.tokens);
      const saved = allTokens.filter((t) => t.saved).length;
      const unsavedOfClosed = writers.filter((w) => !w.open).reduce((n, w) => n + w.tokens.length - w.savedUpTo, 0);
      console.log(
        `promise 1 (${backend}): kills: ${kills}, clients: ${CLIENTS} (+${closed} replacing closed ones), ` +
          `tokens typed: ${allTokens.length}, saved tokens: ${saved}, lost: ${lost.size}, duplicated: ${duplicated.size}, ` +
          `not delivered by clients that stayed open: ${undelivered.size}, clients refused on reconnect (4403): ${writers.filter((w) => w.closes.has(4403)).length}, ` +
          `unsaved tokens of closed clients: ${unsavedOfClosed}, ` +
          `seed: ${random.seed}`,
      );
      expect([...lost], "saved tokens missing after a restart").toEqual([]);
      expect([...duplicated], "tokens stored twice").toEqual([]);
      expect(stray.size, `tokens nobody typed: ${[...stray].slice(0, 5).join(", ")}`).toBe(0);
      expect(readerText, "the story as a fresh client loads it").toBe(stored);
      // A refused reconnect is a failure even when its client was closed later: it did not
      // deliver the rest when it reconnected.
      expect(
        writers.filter((w) => w.closes.has(4403)).map((w) => w.index),
        "clients refused (4403) when they reconnected",
      ).toEqual([]);
      expect(stuck).toBeNull();
      expect([...undelivered], "tokens of clients that stayed open, never delivered").toEqual([]);
    },
    scenarioTimeout(KILLS, 20_000),
  );

  // The deterministic form of what the kills above run into now and then (found by this file;
  // see docs/RELIABILITY.md §1). The stock WebsocketProvider sends a live edit as soon as its
  // socket opens, before it has answered the server's sync step 1 with the edits it made
  // offline. The live edit depends on those offline edits, so Yjs keeps it pending in the
  // room: not integrated, not logged, not saved. The room's sync step 2 to the next client
  // includes Yjs's pending structs, so that client now holds words the server never stored;
  // when it reconnects to a room without them, the server takes them for forged authorship
  // (4403, a close the stock client never retries) and the client's own edits are lost.
  it("a live edit that overtakes the writer's offline edits reaches nobody before it is stored", async () => {
    const editor = await signIn(server.url, "huhongye");
    const writerCookie = await signIn(server.url, "yaoyuchao");
    const otherCookie = await signIn(server.url, "xuweixiang");
    const id = await createTeamStory(server.url, editor, "抢先的更新");

    const writer = connectClient(server.url, id, writerCookie);
    await writer.waitSynced();
    writer.type("已保存。");
    await writer.waitSaved();
    // The connection drops; the reporter types on.
    writer.provider.disconnect();
    writer.type("离线写的。");
    let live: Uint8Array | null = null;
    const keepLive = (update: Uint8Array) => {
      live = update;
    };
    writer.doc.on("update", keepLive);
    writer.type("重连时写的。");
    writer.doc.off("update", keepLive);

    // The socket is back; the reporter types before the server's first message arrives. These
    // are the stock provider's frames in the stock order (sync step 1, then the live update),
    // sent by hand so the order does not depend on timing; a query-awareness goes last, whose
    // answer tells us the server has handled the update.
    const frames = [syncFrame((e) => syncProtocol.writeSyncStep1(e, writer.doc)), syncFrame((e) => syncProtocol.writeUpdate(e, live!))];
    const ws = new WebSocket(`${collabUrl(server)}/${id}`, { headers: { cookie: writerCookie } });
    const replies: Buffer[] = [];
    ws.on("message", (data) => replies.push(data as Buffer));
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    for (const frame of frames) ws.send(frame);
    ws.send(encoding.encode((e) => encoding.writeVarUint(e, MESSAGE_QUERY_AWARENESS)));
    await waitFor(() => replies.some((r) => r[0] === 1), { message: "the answer to query-awareness" });

    // Another reporter opens the story.
    const other = connectClient(server.url, id, otherCookie);
    const otherCloses: string[] = [];
    other.provider.on("connection-close", (event) => otherCloses.push(event ? String(event.code) : "local"));
    await other.waitSynced();
    const pending = other.doc.store.pendingStructs;
    const heldUnstored = pending !== null;

    // The first reporter closes the tab: the offline and live words were never saved (and the
    // reporter was never told they were). The other reporter's link drops, it types, it
    // reconnects: its own words must be saved.
    ws.terminate();
    writer.destroy();
    other.provider.disconnect();
    other.type("乙的字。");
    other.provider.connect();
    await waitFor(() => other.isSaved() || !other.provider.shouldConnect, { timeoutMs: 20_000, message: "the other reporter's words saved" }).catch(
      () => {},
    );
    const otherSaved = other.isSaved();
    const stored = (await getArticle(server.url, editor, id)).content.text;
    other.destroy();
    console.log(
      `promise 1, live edit ahead of offline edits (${backend}): other client was sent unstored words: ${heldUnstored ? "yes" : "no"}, ` +
        `its reconnect: ${otherSaved ? "saved" : `not saved (closes ${otherCloses.join(", ") || "none"})`}, stored: ${JSON.stringify(stored)}`,
    );
    expect(heldUnstored, "a client was sent words the server had not stored (Yjs pending structs in the sync step 2)").toBe(false);
    expect(otherSaved, `the other reporter's words after reconnecting (closes: ${otherCloses.join(", ")})`).toBe(true);
    expect(stored).toBe("已保存。乙的字。");
  });
});

/** One sync message (type 0) written by `write`. */
function syncFrame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  return encoding.encode((encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    write(encoder);
  });
}
