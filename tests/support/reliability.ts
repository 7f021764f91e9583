import * as decoding from "lib0/decoding";
import * as Y from "yjs";
import { MESSAGE_SAVED } from "../../newsroom/collabMessages";
import type { CollabClient } from "./collabClient";
import type { TestServer } from "./testServer";

/**
 * Sizes of the reliability scenarios (tests/reliability, docs/RELIABILITY.md). CI runs the
 * small counts; `npm run soak` sets SOAK=1 for the long ones; any count can be set directly.
 */
export const SOAK = process.env.SOAK === "1";

/** A scenario size: `envName` if set, else the soak or the CI default. */
export function scenarioCount(envName: string, ci: number, soak: number): number {
  const raw = process.env[envName];
  if (raw !== undefined && raw !== "") {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${envName} must be a positive integer, got ${raw}`);
    return value;
  }
  return SOAK ? soak : ci;
}

/**
 * A hang guard for one scenario (never a timing assertion): generous per unit of work, so a
 * loaded machine only gets slower, while a wedged run still ends with a clear failure.
 */
export function scenarioTimeout(units: number, perUnitMs: number, baseMs = 60_000): number {
  return baseMs + units * perUnitMs;
}

/**
 * Names the step a long scenario is in. When the test fails, a timeout included, it prints that
 * step, how long it had lasted and the server's last words: a run that outlived its timeout then
 * says where it stood, which vitest's bare "Test timed out" does not.
 */
export function stepTracker(
  onTestFailed: (handler: () => void) => void,
  serverOutput: () => string,
  first = "starting",
): (step: string) => void {
  let current = first;
  let since = Date.now();
  onTestFailed(() =>
    console.log(
      `[diagnose] failed while ${current} (for ${Math.round((Date.now() - since) / 1000)} s); the server's last words:\n` +
        serverOutput().slice(-3000),
    ),
  );
  return (step) => {
    current = step;
    since = Date.now();
  };
}

/** The collaboration endpoint of a server, as `WebsocketProvider` wants it. */
export function collabUrl(server: Pick<TestServer, "url">): string {
  return `${server.url.replace(/^http/, "ws")}/collab`;
}

/**
 * Points open clients at a restarted server (same data, new port). They were retrying the old
 * address with backoff; their next attempt goes to the new one.
 */
export function pointAt(clients: Iterable<CollabClient>, server: Pick<TestServer, "url">): void {
  for (const client of clients) client.provider.serverUrl = collabUrl(server);
}

/**
 * Calls `listener` with every "saved" vector (message 100, DESIGN.md §3) the client receives,
 * after the client's own handler has taken it.
 */
export function onSavedVector(client: CollabClient, listener: (vector: Map<number, number>) => void): void {
  const handlers = client.provider.messageHandlers;
  const previous = handlers[MESSAGE_SAVED];
  handlers[MESSAGE_SAVED] = (encoder, decoder, provider, emitSynced, messageType) => {
    const start = decoder.pos;
    const vector = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
    decoder.pos = start;
    previous(encoder, decoder, provider, emitSynced, messageType);
    listener(vector);
  };
}

/** The clock this client's own edits have reached (what a "saved" vector must cover). */
export function ownClock(client: CollabClient): number {
  return Y.getState(client.doc.store, client.doc.clientID);
}

/**
 * Where a story's live document stands, comparable between docs: the state vector and the XML
 * of both fragments (text, paragraphs, formatting).
 */
export function docFingerprint(doc: Y.Doc): string {
  const vector = [...Y.decodeStateVector(Y.encodeStateVector(doc))].sort((a, b) => a[0] - b[0]);
  return JSON.stringify({
    vector,
    title: doc.getXmlFragment("title").toString(),
    body: doc.getXmlFragment("body").toString(),
  });
}
