import * as Y from "yjs";
import type { ServerStore } from "./testServer";
import { withStoreSql } from "./storeSql";

type Query = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/** Every table holding rows of one story, with the column it is keyed by and its order. */
const STORY_TABLES = [
  { table: "articles", key: "id", order: "id" },
  { table: "article_members", key: "article_id", order: "position" },
  { table: "article_updates", key: "article_id", order: "id" },
  { table: "article_snapshots", key: "article_id", order: "id" },
  { table: "article_clients", key: "article_id", order: "client_id" },
  { table: "article_revisions", key: "article_id", order: "id" },
  { table: "article_audit", key: "article_id", order: "id" },
] as const;

/** A story's stored rows, each as PostgreSQL's own text form of the row (bytea as hex). */
export type StoryRows = Record<string, string[]>;

/**
 * Reads every stored row of a story as text, for byte-for-byte comparison. `rename` reads a
 * table under another name (one parked aside by a test).
 */
export async function readStoryRows(query: Query, articleId: string, rename: Record<string, string> = {}): Promise<StoryRows> {
  const rows: StoryRows = {};
  for (const { table, key, order } of STORY_TABLES) {
    const name = rename[table] ?? table;
    const result = await query<{ row: string }>(`select t::text as row from ${name} t where ${key} = $1 order by ${order}`, [articleId]);
    rows[table] = result.map((r) => r.row);
  }
  return rows;
}

/** Same, through a store (for PGlite the server must be stopped: one process per data dir). */
export function storyRows(store: ServerStore, articleId: string): Promise<StoryRows> {
  return withStoreSql(store, (query) => readStoryRows(query, articleId));
}

/**
 * The rows of several stories, in the order given, through one opening of the store (each
 * opening of an embedded store loads PGlite in this process: seconds, not milliseconds).
 */
export function storiesRows(store: ServerStore, articleIds: readonly string[]): Promise<StoryRows[]> {
  return withStoreSql(store, async (query) => {
    const all: StoryRows[] = [];
    for (const id of articleIds) all.push(await readStoryRows(query, id));
    return all;
  });
}

/** A story rebuilt from the database alone, two ways. */
export interface StoredDocs {
  /** Newest snapshot plus the log rows after it: what a room loads. */
  loaded: Y.Doc;
  /** Every log row from the first: the history itself, snapshots ignored. */
  fromLog: Y.Doc;
  logRows: number;
  snapshots: number;
}

/** Rebuilds a story's document straight from its rows (no server code involved). */
export async function readStoredDocs(query: Query, articleId: string): Promise<StoredDocs> {
  const log = await query<{ id: string | number; update: Uint8Array }>(
    "select id, update from article_updates where article_id = $1 order by id",
    [articleId],
  );
  const snapshots = await query<{ up_to: string | number; state: Uint8Array }>(
    "select up_to_update_id as up_to, state from article_snapshots where article_id = $1 order by up_to_update_id desc",
    [articleId],
  );
  const fromLog = new Y.Doc({ gc: false });
  for (const row of log) Y.applyUpdate(fromLog, new Uint8Array(row.update));
  const loaded = new Y.Doc({ gc: false });
  const newest = snapshots[0];
  if (newest) Y.applyUpdate(loaded, new Uint8Array(newest.state));
  const after = newest ? Number(newest.up_to) : 0;
  for (const row of log) if (Number(row.id) > after) Y.applyUpdate(loaded, new Uint8Array(row.update));
  return { loaded, fromLog, logRows: log.length, snapshots: snapshots.length };
}

export function storedDocs(store: ServerStore, articleId: string): Promise<StoredDocs> {
  return withStoreSql(store, (query) => readStoredDocs(query, articleId));
}

/** How many first-content rows (written by the server itself, user_id null) each story has. */
export async function firstContentRows(store: ServerStore, articleIds: readonly string[]): Promise<Map<string, number>> {
  return withStoreSql(store, async (query) => {
    const rows = await query<{ article_id: string; n: number }>(
      "select article_id::text, count(*)::int as n from article_updates where user_id is null and article_id = any($1::uuid[]) group by article_id",
      [articleIds],
    );
    const counts = new Map<string, number>(articleIds.map((id) => [id, 0]));
    for (const row of rows) counts.set(row.article_id, Number(row.n));
    return counts;
  });
}
