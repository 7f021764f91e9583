import "server-only";
import type { ArticleAccessFacts } from "../../newsroom/actor";

/**
 * How commands (running in Next's bundle) reach the live rooms of this process: apply a
 * workflow change to connected editors at once, and wait until every received edit is
 * committed. Registered on globalThis by the custom server, like livePresence.
 */
export interface LiveAccess {
  /** Judge writes in this story by `facts` from now on, and tell its clients. */
  apply(articleId: string, facts: ArticleAccessFacts): Promise<void>;
  /**
   * Resolves once every update received so far is committed to the log (or given up). With an
   * article id, only that story's updates are waited for: a story the database is stuck on
   * cannot hold up a transition of another.
   */
  flush(articleId?: string): Promise<void>;
  /**
   * Makes a change to the live document on a user's behalf (restoring a version): `makeUpdate`
   * gets the current state and returns a Yjs update, which is applied, relayed to everyone in
   * the story, logged as that user's, and committed before this resolves. It rejects with
   * EditNotSaved (`isEditNotSaved`) when the edit could not be stored (the commit queue was
   * full, or the database kept refusing the story): then nothing may claim it happened. Only
   * bytes cross between the two module copies, never Yjs objects.
   */
  applyEdit(articleId: string, userId: string, makeUpdate: (current: Uint8Array) => Uint8Array | null): Promise<void>;
}

/** A server edit was applied but could not be stored: the story reloads without it. */
export class EditNotSaved extends Error {
  readonly code = "save_failed";
}

/**
 * Whether `err` is an EditNotSaved. Judged by its code, not its class: the rejection is made
 * in the custom server's copy of this module and caught in Next's.
 */
export function isEditNotSaved(err: unknown): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === "save_failed";
}

const GLOBAL_KEY = Symbol.for("newsroom.liveAccess");
type GlobalWithAccess = typeof globalThis & { [GLOBAL_KEY]?: LiveAccess };

const NO_LIVE_ROOMS: LiveAccess = {
  apply: async () => {},
  flush: async () => {},
  applyEdit: async () => {
    throw new Error("the collaboration server is not running in this process");
  },
};

export function publishLiveAccess(access: LiveAccess): void {
  (globalThis as GlobalWithAccess)[GLOBAL_KEY] = access;
}

export function liveAccess(): LiveAccess {
  return (globalThis as GlobalWithAccess)[GLOBAL_KEY] ?? NO_LIVE_ROOMS;
}
