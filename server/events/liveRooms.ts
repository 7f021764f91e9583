import "server-only";
import type { ArticleAccessFacts } from "../../newsroom/actor";
import type { AwarenessUser } from "../collab/awarenessIdentity";

/**
 * What commands (running in Next's bundle) ask of this process's live rooms, served by the
 * custom server through the story-event bus (`StoryEventBus.serveLiveRooms`). Only plain data
 * and bytes cross between the two module copies, never Yjs objects.
 */
export interface LiveRooms {
  /** Judge writes in this story by `facts` from now on, and tell its clients (here and in the other processes). */
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
   * EditNotSaved (`isEditNotSaved`, collab/liveAccess.ts) when the edit could not be stored
   * (the commit queue was full, or the database kept refusing the story): then nothing may
   * claim it happened.
   */
  applyEdit(articleId: string, userId: string, makeUpdate: (current: Uint8Array) => Uint8Array | null): Promise<void>;
  /** People connected to each story in this process. */
  presence(): Map<string, AwarenessUser[]>;
}

/** Before the collaboration server runs (or without it): nothing is live. */
export const NO_LIVE_ROOMS: LiveRooms = {
  apply: async () => {},
  flush: async () => {},
  applyEdit: async () => {
    throw new Error("the collaboration server is not running in this process");
  },
  presence: () => new Map(),
};
