import "server-only";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { isArticleState } from "../../newsroom/articleStates";
import type { ArticleAccessFacts } from "../../newsroom/actor";
import { parseStoryEvent, type StoryEvent } from "../events/storyEvents";

/** What one process tells the others about a story (one Redis channel per story). */
export type BusMessage =
  /** A committed update, with the owners of Yjs client ids it introduced. */
  | { kind: "update"; update: Uint8Array; newOwners: (readonly [number, string | null])[] }
  /** Presence, already checked and stamped with session identities by the sender. */
  | { kind: "awareness"; update: Uint8Array }
  /** A workflow change: who may write from now on. */
  | { kind: "access"; facts: ArticleAccessFacts };

const KIND_UPDATE = 0;
const KIND_AWARENESS = 1;
const KIND_ACCESS = 2;

/** Binary envelope: sender process id, kind, payload (lib0 encoding, like the wire protocol). */
export function encodeBusMessage(sender: string, message: BusMessage): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, sender);
  switch (message.kind) {
    case "update":
      encoding.writeVarUint(e, KIND_UPDATE);
      encoding.writeVarUint8Array(e, message.update);
      encoding.writeVarUint(e, message.newOwners.length);
      for (const [client, userId] of message.newOwners) {
        encoding.writeVarUint(e, client);
        encoding.writeVarString(e, userId ?? "");
      }
      break;
    case "awareness":
      encoding.writeVarUint(e, KIND_AWARENESS);
      encoding.writeVarUint8Array(e, message.update);
      break;
    case "access":
      encoding.writeVarUint(e, KIND_ACCESS);
      encoding.writeVarString(e, JSON.stringify(message.facts));
      break;
  }
  return encoding.toUint8Array(e);
}

/** Decodes an envelope; throws on anything that is not one (the channel is ours alone). */
export function decodeBusMessage(bytes: Uint8Array): { sender: string; message: BusMessage } {
  const d = decoding.createDecoder(bytes);
  const sender = decoding.readVarString(d);
  const kind = decoding.readVarUint(d);
  if (kind === KIND_UPDATE) {
    const update = decoding.readVarUint8Array(d);
    const count = decoding.readVarUint(d);
    const newOwners: (readonly [number, string | null])[] = [];
    for (let i = 0; i < count; i++) {
      const client = decoding.readVarUint(d);
      const userId = decoding.readVarString(d);
      newOwners.push([client, userId === "" ? null : userId]);
    }
    return { sender, message: { kind: "update", update, newOwners } };
  }
  if (kind === KIND_AWARENESS) return { sender, message: { kind: "awareness", update: decoding.readVarUint8Array(d) } };
  if (kind === KIND_ACCESS) {
    const facts = JSON.parse(decoding.readVarString(d)) as ArticleAccessFacts;
    if (!isArticleState(facts.state) || !Array.isArray(facts.memberIds)) throw new Error("bad access facts");
    return { sender, message: { kind: "access", facts } };
  }
  throw new Error(`unknown bus message kind ${kind}`);
}

/** A story event for the other processes (events channel): sender process id, then the event as JSON. */
export function encodeEventMessage(sender: string, event: StoryEvent): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, sender);
  encoding.writeVarString(e, JSON.stringify(event));
  return encoding.toUint8Array(e);
}

/** Decodes an events-channel envelope; throws on anything that is not a known event. */
export function decodeEventMessage(bytes: Uint8Array): { sender: string; event: StoryEvent } {
  const d = decoding.createDecoder(bytes);
  const sender = decoding.readVarString(d);
  return { sender, event: parseStoryEvent(JSON.parse(decoding.readVarString(d))) };
}
