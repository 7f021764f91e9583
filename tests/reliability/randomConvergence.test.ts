// Issue 7, promise 8: randomised convergence. Five clients make random edits through a real
// WebSocket proxy that delays every frame by a random amount and cuts connections at random;
// at each check, every client, the server's memory and the database hold the same document.
// Method and figures: docs/RELIABILITY.md §8.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { storyTitle } from "../../newsroom/storyBlocks";
import { backends } from "../support/backends";
import { CALM, startChaosProxy, type Chaos, type ChaosProxy, type ChaosProxyStats } from "../support/chaosProxy";
import { connectClient, type CollabClient } from "../support/collabClient";
import { seededRandom, type Random } from "../support/random";
import { docFingerprint, scenarioCount, scenarioTimeout } from "../support/reliability";
import { createTeamStory, getArticle, signIn } from "../support/session";
import { storedDocs } from "../support/storedStory";
import { createStore, startTestServer, type ServerStore, type TestServer } from "../support/testServer";
import { sleep, waitFor } from "../support/wait";

const ROUNDS = scenarioCount("RELIABILITY_CONVERGENCE_ROUNDS", 50, 1000);
/** Every this many rounds the chaos pauses and everything is compared (and after the last). */
const CHECK_EVERY = scenarioCount("RELIABILITY_CONVERGENCE_CHECK_EVERY", 25, 100);
const USERS = ["yaoyuchao", "xuweixiang", "zhoumi", "huhongye", "yaoyuchao"] as const;
const CHAOS: Chaos = { maxDelayMs: 150, meanCutIntervalMs: 300, maxCutLingerMs: 300 };
const TITLE = "随机收敛";
const ALPHABET = [..."新闻记者编辑稿件红网长沙报道以育廉培根铸魂abcxyz0123 ,。、"];

process.setMaxListeners(0);

function randomText(random: Random): string {
  return Array.from({ length: random.int(1, 8) }, () => random.pick(ALPHABET)).join("");
}

/** A text node of a block, created when the block is empty. */
function someText(block: Y.XmlElement, random: Random): Y.XmlText {
  const texts = block.toArray().filter((node): node is Y.XmlText => node instanceof Y.XmlText);
  if (texts.length > 0) return random.pick(texts);
  const text = new Y.XmlText();
  block.push([text]);
  return text;
}

/**
 * One editing step as an editor would make it on the shared types: type, delete, format a
 * range, add or remove a paragraph, or retouch the title.
 */
function randomEdit(doc: Y.Doc, random: Random): void {
  const body = doc.getXmlFragment("body");
  const title = doc.getXmlFragment("title");
  doc.transact(() => {
    const op = random();
    const blocks = body.toArray().filter((node): node is Y.XmlElement => node instanceof Y.XmlElement);
    if (blocks.length === 0 || op < 0.1) {
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText(randomText(random))]);
      body.insert(random.int(0, body.length), [paragraph]);
    } else if (op < 0.15 && body.length > 1) {
      body.delete(random.int(0, body.length - 1), 1);
    } else if (op < 0.6) {
      const text = someText(random.pick(blocks), random);
      text.insert(random.int(0, text.length), randomText(random));
    } else if (op < 0.8) {
      const text = someText(random.pick(blocks), random);
      if (text.length > 0) {
        const at = random.int(0, text.length - 1);
        text.delete(at, random.int(1, Math.min(5, text.length - at)));
      }
    } else if (op < 0.93) {
      const text = someText(random.pick(blocks), random);
      if (text.length > 0) {
        const at = random.int(0, text.length - 1);
        const mark = random.pick(["bold", "italic"]);
        text.format(at, random.int(1, text.length - at), { [mark]: random.chance(0.7) ? true : null });
      }
    } else {
      const first = title.get(0);
      if (first instanceof Y.XmlElement) {
        const text = someText(first, random);
        text.insert(random.int(0, text.length), random.pick(ALPHABET));
      }
    }
  });
}

describe.each(backends())("promise 8: randomised convergence (%s)", (backend) => {
  let store: ServerStore;
  let server: TestServer;
  let proxy: ChaosProxy | null = null;

  beforeAll(async () => {
    store = await createStore(backend);
    server = await startTestServer(store);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
    await store?.dispose();
  });

  it(
    `5 clients, ${ROUNDS} rounds of random edits through random delays and cuts: clients, server and database end identical`,
    async () => {
      const random = seededRandom();
      const cookies = new Map<string, string>();
      for (const user of new Set(USERS)) cookies.set(user, await signIn(server.url, user));
      const editor = cookies.get("huhongye")!;
      const id = await createTeamStory(server.url, editor, TITLE);
      const chaos = await startChaosProxy(server.url, random, CHAOS);
      proxy = chaos;
      const clients: CollabClient[] = USERS.map((user) => connectClient(chaos.url, id, cookies.get(user)!));
      /** Server close codes each client's connections ended with (cuts show as 1006). */
      const closes = clients.map(() => new Map<number, number>());
      clients.forEach((client, i) =>
        client.provider.on("connection-close", (event) => {
          if (event) closes[i].set(event.code, (closes[i].get(event.code) ?? 0) + 1);
        }),
      );
      await Promise.all(clients.map((c) => c.waitSynced()));

      let edits = 0;
      let checks = 0;
      let diverged = 0;
      let roundsRun = 0;
      let failure: Error | null = null;

      /** Calms the network, lets everything settle, and compares every copy of the story. */
      const check = async (round: number) => {
        chaos.setChaos(CALM);
        checks += 1;
        const settled = () =>
          clients.every((c) => c.provider.wsconnected && c.provider.synced && c.isSaved()) &&
          new Set(clients.map((c) => docFingerprint(c.doc))).size === 1;
        // A client refused with a close the stock provider never retries (44xx) has given up.
        const gaveUp = () => clients.some((c) => !c.provider.shouldConnect);
        try {
          await waitFor(() => gaveUp() || settled(), { timeoutMs: 90_000, message: `clients converged after round ${round}` });
          if (gaveUp()) throw new Error(`a client gave up reconnecting before round ${round} converged`);
        } catch (err) {
          for (const [i, c] of clients.entries()) {
            console.error(
              `client ${i}: connected ${c.provider.wsconnected}, synced ${c.provider.synced}, saved ${c.isSaved()}, ` +
                `still trying ${c.provider.shouldConnect}, closes ${JSON.stringify([...closes[i]])}, ` +
                `body ${JSON.stringify(c.bodyText().slice(0, 200))}, same copy as client 0: ${docFingerprint(c.doc) === docFingerprint(clients[0].doc)}, ` +
                `state vector ${JSON.stringify([...Y.decodeStateVector(Y.encodeStateVector(c.doc))].sort((a, b) => a[0] - b[0]))}`,
            );
          }
          throw err;
        }
        const expected = docFingerprint(clients[0].doc);
        // The server's memory: a fresh client straight to the server, not through the proxy.
        const fresh = connectClient(server.url, id, editor);
        await fresh.waitSynced();
        const fromServer = docFingerprint(fresh.doc);
        fresh.destroy();
        // The database, as the API reads it (snapshot + log).
        const { content } = await getArticle(server.url, editor, id);
        expect(fromServer, `server memory after round ${round}`).toBe(expected);
        // The API gives the title as lists show it (storyTitle: one line, trimmed).
        expect(content, `stored content after round ${round}`).toEqual({ title: storyTitle(clients[0].doc), text: clients[0].bodyText() });
        chaos.setChaos(CHAOS);
      };

      for (let round = 1; round <= ROUNDS; round++) {
        await Promise.all(
          clients.map(async (client) => {
            await sleep(random.int(0, 30));
            for (let n = random.int(1, 3); n > 0; n--) {
              randomEdit(client.doc, random);
              edits += 1;
            }
          }),
        );
        await sleep(random.int(0, 80));
        if (round % CHECK_EVERY === 0 || round === ROUNDS) {
          try {
            await check(round);
          } catch (err) {
            diverged += 1;
            failure = err as Error;
            roundsRun = round;
            break;
          }
        }
        roundsRun = round;
      }
      const figure = (stats: ChaosProxyStats, tail: string) =>
        `promise 8 (${backend}): rounds: ${roundsRun}, clients: ${clients.length}, edits: ${edits}, checks: ${checks}, ` +
        `connections: ${stats.connections}, cuts: ${stats.cuts}, frames delayed: ${stats.frames}, frames lost in cuts: ${stats.dropped}, ` +
        `${tail}diverged: ${diverged}, seed: ${random.seed}`;
      if (failure) {
        clients.forEach((c) => c.destroy());
        console.log(figure({ ...chaos.stats }, ""));
        throw failure;
      }

      // Last, the database itself, with the server killed so nothing more can be written: the
      // log replayed from its first row, and the newest snapshot plus the rows after it.
      const expected = docFingerprint(clients[0].doc);
      const text = clients[0].bodyText();
      const stats = { ...chaos.stats };
      clients.forEach((c) => c.destroy());
      await chaos.close();
      proxy = null;
      await server.kill();
      const stored = await storedDocs(store, id);
      const fromLog = docFingerprint(stored.fromLog);
      const loaded = docFingerprint(stored.loaded);
      stored.fromLog.destroy();
      stored.loaded.destroy();
      if (fromLog !== expected || loaded !== expected) diverged += 1;

      console.log(figure(stats, `final text: ${text.length} chars, log rows: ${stored.logRows}, snapshots: ${stored.snapshots}, `));
      expect(fromLog, "database log replayed").toBe(expected);
      expect(loaded, "database snapshot + tail").toBe(expected);
    },
    scenarioTimeout(ROUNDS, 3_000),
  );
});
