import type { ArticleAccessFacts } from "../../newsroom/actor";

/**
 * How commands (running in Next's bundle) reach the live rooms of this process: apply a
 * workflow change to connected editors at once, and wait until every received edit is
 * committed. Registered on globalThis by the custom server, like livePresence.
 */
export interface LiveAccess {
  /** Judge writes in this story by `facts` from now on, and tell its clients. */
  apply(articleId: string, facts: ArticleAccessFacts): Promise<void>;
  /** Resolves once every update received so far is committed to the log. */
  flush(): Promise<void>;
  /**
   * Makes a change to the live document on a user's behalf (restoring a version): `makeUpdate`
   * gets the current state and returns a Yjs update, which is applied, relayed to everyone in
   * the story, logged as that user's, and committed before this resolves. Only bytes cross
   * between the two module copies, never Yjs objects.
   */
  applyEdit(articleId: string, userId: string, makeUpdate: (current: Uint8Array) => Uint8Array | null): Promise<void>;
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
