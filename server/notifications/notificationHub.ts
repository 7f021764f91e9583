import "server-only";
import { EventEmitter } from "node:events";

/**
 * Tells this process's open notification streams that someone has news. Commands run in the
 * custom server and in Next's bundle (two copies of this module in one process), so the
 * emitter lives on globalThis. Other processes' streams find it by their periodic re-read.
 */
const GLOBAL_KEY = Symbol.for("newsroom.notificationHub");
type GlobalWithHub = typeof globalThis & { [GLOBAL_KEY]?: EventEmitter };

function hub(): EventEmitter {
  const global = globalThis as GlobalWithHub;
  global[GLOBAL_KEY] ??= new EventEmitter().setMaxListeners(0);
  return global[GLOBAL_KEY];
}

/** After the transaction that wrote them commits: these people have new notifications. */
export function announceNotifications(userIds: Iterable<string>): void {
  for (const userId of new Set(userIds)) hub().emit(userId);
}

/** Calls `listener` whenever `userId` has news; returns the unsubscribe. */
export function onNotifications(userId: string, listener: () => void): () => void {
  hub().on(userId, listener);
  return () => hub().off(userId, listener);
}
