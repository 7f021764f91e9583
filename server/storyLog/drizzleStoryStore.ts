import "server-only";
import { asc, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articles } from "../../db/schema";
import type { Actor } from "../../newsroom/actor";
import { findArticleFacts } from "../articles/articleFacts";
import { appendRows, type RowOwner } from "./appendRows";
import { insertClientOwners, loadClientOwners } from "./clientOwners";
import { loadStoredDocument, snapshotFromLog } from "./storedDocument";
import type { AppendedIds, AppendOptions, ClientOwners, RightsAtCommit, StoredDocument, StoryBatch, StoryStore, WrittenSnapshot } from "./storyStore";
import { writerRows } from "./writerRows";

/** Bind parameters one PostgreSQL statement may carry (a 16-bit count on the wire). */
const MAX_BIND_PARAMETERS = 65_535;
/** Each client-owner row binds three values (article, client id, user). */
const OWNER_ROWS_PER_STATEMENT_LIMIT = Math.floor(MAX_BIND_PARAMETERS / 3);
/** Values the append statement binds besides its rows and owners (story, title, editor, interval). */
const STATEMENT_OWN_PARAMETERS = 16;

export interface DrizzleStoryStoreOptions {
  /** Client-owner rows per INSERT (kept under the bind-parameter limit whatever is asked). */
  ownerRowsPerStatement?: number;
  /**
   * Where batches are appended, when not `db`: on PostgreSQL the log's own connection, which
   * gives up waiting on its own (`db/commitConnection.ts`). PGlite serves one connection, so
   * nothing else holds its locks, and it cannot cancel a running statement: there the writer's
   * own timer is the only bound.
   */
  commitDb?: Db;
  /** How stale the story row's `updated_at` may get while it is edited (STORY_LIST_TOUCH_MS). */
  touchIntervalMs?: number;
  /**
   * Whether a single-story commit locks the story's row (PostgreSQL: other connections and
   * processes). PGlite runs one statement or transaction at a time, so there it is not needed.
   */
  rowLocks?: boolean;
}

/**
 * The story log in the project's database (PGlite or PostgreSQL), through Drizzle. Each
 * commit first locks its articles' rows (in id order, so two processes cannot deadlock; not on
 * PGlite, which runs one statement or transaction at a time). Workflow transitions and
 * snapshots lock the same row, so a log row id is never allocated while they read; with a
 * rights check at commit (several processes) every writer is judged again by the article's
 * committed state: an approval on another process wins.
 */
export class DrizzleStoryStore implements StoryStore {
  private readonly ownerRowsPerStatement: number;
  private readonly commitDb: Db;
  private readonly touchIntervalMs: number;
  private readonly rowLocks: boolean;

  constructor(
    private readonly db: Db,
    options: DrizzleStoryStoreOptions = {},
  ) {
    this.ownerRowsPerStatement = Math.max(1, Math.min(options.ownerRowsPerStatement ?? 2000, OWNER_ROWS_PER_STATEMENT_LIMIT));
    this.commitDb = options.commitDb ?? db;
    this.touchIntervalMs = options.touchIntervalMs ?? 0;
    this.rowLocks = options.rowLocks ?? true;
  }

  load(articleId: string, upTo?: number): Promise<StoredDocument> {
    return loadStoredDocument(this.db, articleId, upTo);
  }

  snapshot(articleId: string): Promise<WrittenSnapshot | null> {
    return snapshotFromLog(this.db, articleId);
  }

  clientOwners(articleId: string): Promise<ClientOwners> {
    return loadClientOwners(this.db, articleId);
  }

  /**
   * The common case (one story, no rights check) needs no explicit transaction: one statement
   * (rows, owners of new client ids, the story's row when due) is one round trip and commits on
   * its own. Typing latency to the other writers is the commit time, since relays wait for it.
   * Several stories (their rows locked first, in id order) or a rights check against the
   * committed facts make it one transaction, as do more owners than one statement may bind.
   */
  async appendBatch(stories: readonly StoryBatch[], options: AppendOptions = {}): Promise<AppendedIds> {
    const rightsAtCommit = options.rightsAtCommit ?? null;
    if (!rightsAtCommit && stories.length === 1 && this.ownersFitOneStatement(stories[0])) {
      return [await this.appendStory(this.commitDb, stories[0], () => true, false)];
    }
    return this.commitDb.transaction(async (transaction) => {
      const tx = transaction as unknown as Db;
      const articleIds = [...new Set(stories.map((story) => story.articleId))].sort();
      if (stories.length > 1 || rightsAtCommit) {
        await tx
          .select({ id: articles.id })
          .from(articles)
          .where(inArray(articles.id, articleIds))
          .orderBy(asc(articles.id))
          .for("no key update");
      }
      const mayWrite = await writePermission(tx, articleIds, rightsAtCommit);
      const result: AppendedIds = [];
      for (const story of stories) {
        result.push(await this.appendStory(tx, story, (actor) => mayWrite(story.articleId, actor), true));
      }
      return result;
    });
  }

  private ownersFitOneStatement(story: StoryBatch): boolean {
    let owners = 0;
    for (const item of story.items) owners += item.newOwners.length;
    return this.fitsOneStatement(story.items.length, owners);
  }

  /** Rows (four values each) and owners (three) that one statement may carry with its rows. */
  private fitsOneStatement(rows: number, owners: number): boolean {
    return owners <= this.ownerRowsPerStatement && 4 * rows + 3 * owners + STATEMENT_OWN_PARAMETERS <= MAX_BIND_PARAMETERS;
  }

  /**
   * One story's items as one row per writer; each item gets its row's id (null: refused).
   * Owners of new client ids go with their rows in the same statement, or, past what one
   * statement may bind, in bulk statements after it (`inTransaction` only: all or nothing).
   */
  private async appendStory(db: Db, story: StoryBatch, mayWrite: (actor: Actor | null) => boolean, inTransaction: boolean) {
    const ids: ({ id: number } | null)[] = story.items.map(() => null);
    const rows = writerRows(story.items).filter((row) => mayWrite(row.actor));
    if (rows.length === 0) return ids;
    const owners: RowOwner[] = rows.flatMap((row, k) =>
      row.positions.flatMap((position) => story.items[position].newOwners.map(([client, userId]) => [k, client, userId] as const)),
    );
    const inline = !inTransaction || this.fitsOneStatement(rows.length, owners.length);
    const touch = { title: story.title, lastUserId: story.lastUserId, intervalMs: this.touchIntervalMs };
    const stored = await appendRows(db, { articleId: story.articleId, touch, rows, owners: inline ? owners : [], lockRow: this.rowLocks });
    rows.forEach((row, k) => {
      for (const position of row.positions) ids[position] = stored[k];
    });
    if (!inline) {
      // Owners only of rows actually stored, in a few bulk statements.
      const kept = owners.filter(([k]) => stored[k] !== null).map(([, client, userId]) => [client, userId] as const);
      for (let start = 0; start < kept.length; start += this.ownerRowsPerStatement) {
        await insertClientOwners(db, story.articleId, kept.slice(start, start + this.ownerRowsPerStatement));
      }
    }
    return ids;
  }
}

/** Who may still store updates, judged by the committed article rows (scale-out only). */
async function writePermission(
  tx: Db,
  articleIds: string[],
  rightsAtCommit: RightsAtCommit | null,
): Promise<(articleId: string, actor: Actor | null) => boolean> {
  if (!rightsAtCommit) return () => true;
  const factsOf = new Map<string, Awaited<ReturnType<typeof findArticleFacts>>>();
  for (const id of articleIds) factsOf.set(id, await findArticleFacts(tx, id));
  return (articleId, actor) => {
    if (actor === null) return true;
    const found = factsOf.get(articleId);
    return found != null && rightsAtCommit(actor, found.facts);
  };
}
