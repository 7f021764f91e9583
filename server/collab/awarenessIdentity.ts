import "server-only";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { Person } from "../../newsroom/person";
import { OverBudget } from "./socketBudgets";

/** The identity the server puts into every awareness state a connection sends. */
export type AwarenessUser = Person;

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: Record<string, unknown> | null;
}

/** A connection may speak for a few awareness client ids (one per open tab/editor), not more. */
export const MAX_AWARENESS_CLIENTS_PER_CONNECTION = 4;
/**
 * Stock clients echo the presence of everyone in the story (they re-broadcast what they hear),
 * so one message may list many people; foreign entries are filtered out afterwards and only the
 * sender's own count against the per-connection limit. This only bounds decoding work.
 */
export const MAX_AWARENESS_ENTRIES_PER_MESSAGE = 2048;
/**
 * A presence state (caret, selection, name) is small; anything larger is abuse. The default
 * of `COLLAB_MAX_AWARENESS_STATE_BYTES`.
 */
export const MAX_AWARENESS_STATE_BYTES = 16 * 1024;

export class AwarenessRejected extends Error {}

/**
 * Decodes an awareness update (y-protocols format), refusing non-object states and states over
 * `maxStateBytes` (the latter as `OverBudget`: the sender is closed with 4429).
 */
export function decodeAwarenessUpdate(update: Uint8Array, maxStateBytes = MAX_AWARENESS_STATE_BYTES): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > MAX_AWARENESS_ENTRIES_PER_MESSAGE) throw new AwarenessRejected("too many awareness states");
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const bytes = decoding.readVarUint8Array(decoder);
    if (bytes.byteLength > maxStateBytes) throw new OverBudget("awareness state over COLLAB_MAX_AWARENESS_STATE_BYTES");
    const json = textDecoder.decode(bytes);
    const state: unknown = JSON.parse(json);
    if (state !== null && (typeof state !== "object" || Array.isArray(state))) {
      throw new AwarenessRejected("awareness state is not an object");
    }
    entries.push({ clientId, clock, state: state as Record<string, unknown> | null });
  }
  return entries;
}

const textDecoder = new TextDecoder();

export function encodeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, JSON.stringify(entry.state));
  }
  return encoding.toUint8Array(encoder);
}

/**
 * Replaces whatever `user` a client claims with the session's: names and colours in carets and
 * the presence list come from the server, never from the client.
 */
export function withSessionIdentity(entries: readonly AwarenessEntry[], user: AwarenessUser): AwarenessEntry[] {
  return entries.map((entry) =>
    entry.state === null ? entry : { ...entry, state: { ...entry.state, user: { ...user } } },
  );
}
