import "server-only";
import type { Actor, ArticleAccessFacts } from "../../newsroom/actor";

/** Yjs client id → the user who first sent it (null: the server itself). */
export type ClientOwners = Map<number, string | null>;

/** Owners of Yjs client ids first seen with an update. */
export type NewOwners = readonly (readonly [number, string | null])[];

/** One update on its way to the log, with who sent it. */
export interface LogItem {
  userId: string | null;
  /** The rights the update needs at commit (null: the server itself). */
  actor: Actor | null;
  /** The sending socket's session: a signed-out session's updates are refused. */
  sessionId: string | null;
  update: Uint8Array;
  newOwners: NewOwners;
}

/** One story's share of a batch, in append order. */
export interface StoryBatch {
  articleId: string;
  /** The title the story's row should show (lists). */
  title: string;
  /** Who edited last, for the story's row (null: keep what is there). */
  lastUserId: string | null;
  items: readonly LogItem[];
}

/**
 * Per story (same order as the batch), per item: the log row holding it, or null where
 * refused. Items of one writer in one batch share a row (one merged update), so several items
 * may name the same id.
 */
export type AppendedIds = ({ id: number } | null)[][];

/**
 * Whether `actor` may still write to a story whose committed state is `facts` (scale-out:
 * an approval committed by another process wins). Passed in by whoever builds the writer.
 */
export type RightsAtCommit = (actor: Actor, facts: ArticleAccessFacts) => boolean;

/** How the writer wants one append carried out. */
export interface AppendOptions {
  /** Judge every item again by the committed article state (null or absent: no re-check). */
  rightsAtCommit?: RightsAtCommit | null;
}

/** What a story loads from: the newest snapshot merged with every log row after it. */
export interface StoredDocument {
  /** Merged Yjs update of the whole stored state, or null when nothing is stored. */
  state: Uint8Array | null;
  /** Highest log row id included (0 when the log is empty). */
  lastUpdateId: number;
  rowsSinceSnapshot: number;
  bytesSinceSnapshot: number;
  snapshotBytes: number;
}

/** A snapshot just written: the log row it reaches and its size. */
export interface WrittenSnapshot {
  upToUpdateId: number;
  bytes: number;
}

/**
 * Where a story's log lives (DESIGN.md §3 Persistence), the one seam between the live rooms
 * and the database. `appendBatch` is all or nothing: when it rejects, no row of the batch was
 * stored. The writer keeps each call small (rows and bytes are bounded before it is called).
 */
export interface StoryStore {
  /** Snapshot + tail: the whole stored story, or (with `upTo`) as it was after log row `upTo`. */
  load(articleId: string, upTo?: number): Promise<StoredDocument>;
  /** Stores a batch: one row per story, writer and batch; owners of new client ids with it. */
  appendBatch(stories: readonly StoryBatch[], options?: AppendOptions): Promise<AppendedIds>;
  /** Folds the stored tail into a new snapshot (null: nothing to fold). */
  snapshot(articleId: string): Promise<WrittenSnapshot | null>;
  /** Who owns each Yjs client id of the story (authorship). */
  clientOwners(articleId: string): Promise<ClientOwners>;
}
