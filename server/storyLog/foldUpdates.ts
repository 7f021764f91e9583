import "server-only";
import * as Y from "yjs";
import { verbatimDoc } from "./verbatimDoc";

/** Rows applied per Yjs transaction before the event loop gets a turn. */
const APPLY_CHUNK = 2000;

/**
 * Applies log rows to a document, a chunk per Yjs transaction, yielding to the event loop
 * between chunks so other stories stay responsive. Linear in the rows, where `Y.mergeUpdates`
 * over many rows grows with the square of their number (a long log froze the server for minutes).
 */
export async function applyInChunks(doc: Y.Doc, parts: readonly Uint8Array[]): Promise<void> {
  for (let start = 0; start < parts.length; start += APPLY_CHUNK) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    doc.transact(() => {
      for (const part of parts.slice(start, start + APPLY_CHUNK)) Y.applyUpdate(doc, part);
    });
  }
}

/** Merges log rows into one update by applying them to a document (`applyInChunks`). */
export async function foldUpdates(parts: readonly Uint8Array[]): Promise<Uint8Array> {
  const doc = verbatimDoc();
  await applyInChunks(doc, parts);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}
