import "server-only";
import { EventEmitter } from "node:events";

/**
 * Tells this process's open sockets that a session was signed out. Auth.js runs in Next's
 * bundle and the collaboration server in the custom server: two copies of this module in one
 * process, so the emitter lives on globalThis. Other processes learn it from the database
 * (every commit checks the session; open sockets are re-checked periodically).
 */
const GLOBAL_KEY = Symbol.for("newsroom.sessionEvents");
type GlobalWithEvents = typeof globalThis & { [GLOBAL_KEY]?: EventEmitter };

function emitter(): EventEmitter {
  const global = globalThis as GlobalWithEvents;
  global[GLOBAL_KEY] ??= new EventEmitter().setMaxListeners(0);
  return global[GLOBAL_KEY];
}

export function announceSessionEnded(sessionId: string): void {
  emitter().emit("ended", sessionId);
}

/** Calls `listener` with each session signed out in this process; returns the unsubscribe. */
export function onSessionEnded(listener: (sessionId: string) => void): () => void {
  emitter().on("ended", listener);
  return () => emitter().off("ended", listener);
}
