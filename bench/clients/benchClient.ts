import type { Awareness } from "y-protocols/awareness";
import type * as Y from "yjs";

/**
 * One collaborating client as the scenarios see it, whatever its provider: the stock
 * `WebsocketProvider` (ours, y-websocket) or `HocuspocusProvider`.
 */
export interface BenchClient {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  isSynced(): boolean;
  /** Resolves on the provider's own "synced" event (no polling: cold-open times use it). */
  whenSynced(timeoutMs?: number): Promise<void>;
  /**
   * Called with the committed state vector each time the server says "saved" (message 100).
   * Only our server sends it; for the peers this is never called.
   */
  onSaved(listener: (saved: Map<number, number>) => void): void;
  /**
   * Resolves once the server has acknowledged every local edit: ours by "saved" (on disk),
   * Hocuspocus by its sync-status count; y-websocket acknowledges nothing and resolves at once.
   */
  whenCaughtUp(timeoutMs?: number): Promise<void>;
  /** Messages and bytes this client has received from the server so far. */
  readonly received: { messages: number; bytes: number };
  destroy(): void;
}

/** Rejects after `ms` with a message naming what did not happen. */
export function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}
