// Issue 7, promise 3: no duplicated first content. Ten clients open a new story at the same
// moment, many times over, and the server is killed in the middle of such an opening and
// restarted. Method and figures: docs/RELIABILITY.md §3.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/backends";
import { connectClient, type CollabClient } from "../support/collabClient";
import { seededRandom } from "../support/random";
import { pointAt, scenarioCount, scenarioTimeout } from "../support/reliability";
import { createTeamStory, getArticle, signIn } from "../support/session";
import { firstContentRows } from "../support/storedStory";
import { createStore, startTestServer, type ServerStore, type TestServer } from "../support/testServer";

const ROUNDS = scenarioCount("RELIABILITY_OPEN_ROUNDS", 100, 1000);
/** Openings during which the server is killed, spread evenly (the middle one included in CI). */
const RESTARTS = scenarioCount("RELIABILITY_OPEN_RESTARTS", 3, 10);
const OPENERS = 10;
const USERS = ["huhongye", "yaoyuchao", "xuweixiang", "zhoumi"] as const;
/** After a restart, this many earlier stories are opened again by ten clients at once. */
const REOPENED_AFTER_RESTART = 5;
/** The kill lands this long (ms) after the ten clients start connecting: mid-load or mid-seed. */
const KILL_AFTER_MS = [0, 400] as const;

// Every WebsocketProvider adds a process "exit" listener; hundreds of clients come and go here.
process.setMaxListeners(0);

describe.each(backends())("promise 3: no duplicated first content (%s)", (backend) => {
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
    `${OPENERS} clients open a new story at once, ${ROUNDS} stories, ${RESTARTS} kill(s) mid-opening: first content exactly once`,
    async () => {
      const random = seededRandom();
      const cookies = await Promise.all(USERS.map((user) => signIn(server.url, user)));
      const editor = cookies[0];
      const stories: { id: string; title: string }[] = [];
      const restartRounds = new Set(Array.from({ length: RESTARTS }, (_, i) => Math.floor(((i + 1) * ROUNDS) / (RESTARTS + 1))));
      const problems: string[] = [];
      let kills = 0;
      let reopened = 0;

      const openAtOnce = (id: string) =>
        Array.from({ length: OPENERS }, (_, i) => connectClient(server.url, id, cookies[i % cookies.length]));

      /** What every opener must see: one title paragraph with the title, one empty body paragraph. */
      const check = (clients: CollabClient[], story: { id: string; title: string }, when: string) => {
        for (const client of clients) {
          const title = client.doc.getXmlFragment("title");
          const body = client.doc.getXmlFragment("body");
          if (title.length !== 1 || client.titleText() !== story.title || body.length !== 1 || client.bodyText() !== "") {
            problems.push(
              `${when}: story ${story.id} shows ${title.length} title block(s) ${JSON.stringify(client.titleText())} ` +
                `and ${body.length} body block(s) ${JSON.stringify(client.bodyText())}`,
            );
            return;
          }
        }
      };

      for (let round = 0; round < ROUNDS; round++) {
        const story = { id: "", title: `同时打开 ${round}` };
        story.id = await createTeamStory(server.url, editor, story.title);
        stories.push(story);
        const clients = openAtOnce(story.id);
        if (restartRounds.has(round)) {
          await new Promise((resolve) => setTimeout(resolve, random.int(...KILL_AFTER_MS)));
          await server.kill();
          kills += 1;
          server = await startTestServer(store);
          pointAt(clients, server);
        }
        await Promise.all(clients.map((c) => c.waitSynced()));
        check(clients, story, `round ${round}`);
        clients.forEach((c) => c.destroy());

        if (restartRounds.has(round)) {
          // Stories seeded by the killed process, opened again at once by the new one.
          for (const earlier of stories.slice(-1 - REOPENED_AFTER_RESTART)) {
            const again = openAtOnce(earlier.id);
            await Promise.all(again.map((c) => c.waitSynced()));
            check(again, earlier, `reopened after kill ${kills}`);
            again.forEach((c) => c.destroy());
            reopened += 1;
          }
        }
      }

      // The stored content of the last story, read back by the API (snapshot + log).
      const last = stories[stories.length - 1];
      const lastStored = (await getArticle(server.url, editor, last.id)).content;
      if (lastStored.title !== last.title || lastStored.text !== "") {
        problems.push(`story ${last.id} is stored as ${JSON.stringify(lastStored)}`);
      }

      // The log itself: exactly one row of first content (written by the server, no user) per story.
      await server.stop();
      const seeds = await firstContentRows(
        store,
        stories.map((s) => s.id),
      );
      const duplicated = [...seeds].filter(([, n]) => n > 1);
      const missing = [...seeds].filter(([, n]) => n === 0);
      for (const [id, n] of [...duplicated, ...missing]) problems.push(`story ${id} has ${n} first-content rows`);
      if (problems.length > 0) console.error(problems.slice(0, 20).join("\n"));

      console.log(
        `promise 3 (${backend}): stories: ${stories.length}, openers each: ${OPENERS}, kills mid-opening: ${kills}, ` +
          `stories reopened after a kill: ${reopened}, first-content rows duplicated: ${duplicated.length}, ` +
          `missing: ${missing.length}, other problems: ${problems.length - duplicated.length - missing.length}, ` +
          `seed: ${random.seed}`,
      );
      expect(problems).toEqual([]);
    },
    scenarioTimeout(ROUNDS, 5_000),
  );
});
