import "server-only";
import { asc, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articles } from "../../db/schema";
import type { Actor } from "../../newsroom/actor";
import { findArticleFacts } from "../articles/articleFacts";
import { appendRows, BOUND_PER_OWNER, BOUND_PER_ROW, BOUND_PER_STORY, type RowOwner, type StoryAppend } from "./appendRows";
import { insertClientOwners, loadClientOwners } from "./clientOwners";
import { loadStoredDocument, snapshotFromLog } from "./storedDocument";
import type { AppendedIds, AppendOptions, ClientOwners, RightsAtCommit, StoredDocument, StoryBatch, StoryStore, WrittenSnapshot } from "./storyStore";
import { writerRows, type WriterRow } from "./writerRows";

/** Bind parameters one PostgreSQL statement may carry (a 16-bit count on the wire). */
const MAX_BIND_PARAMETERS = 65_535;
/** Each client-owner row binds three values (article, client id, user). */
const OWNER_ROWS_PER_STATEMENT_LIMIT = Math.floor(MAX_BIND_PARAMETERS / 3);

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
   * committed facts make it one transaction, still one statement for every story whose rows
   * and owners fit in it; owners past what a statement may bind follow in bulk statements.
   */
  async appendBatch(stories: readonly StoryBatch[], options: AppendOptions = {}): Promise<AppendedIds> {
    const rightsAtCommit = options.rightsAtCommit ?? null;
    if (!rightsAtCommit && stories.length === 1) {
      const append = this.storyAppend(stories[0], () => true);
      if (this.fitsOneStatement(append)) {
        const [stored] = await appendRows(this.commitDb, [append], this.rowLocks);
        return [idsOfItems(stories[0], append, stored)];
      }
    }
    return this.commitDb.transaction(async (transaction) => {
      const tx = transaction as unknown as Db;
      const articleIds = [...new Set(stories.map((story) => story.articleId))].sort();
      const lockedFirst = stories.length > 1 || rightsAtCommit !== null;
      if (lockedFirst) {
        await tx
          .select({ id: articles.id })
          .from(articles)
          .where(inArray(articles.id, articleIds))
          .orderBy(asc(articles.id))
          .for("no key update");
      }
      const mayWrite = await writePermission(tx, articleIds, rightsAtCommit);
      const appends = stories.map((story) => this.storyAppend(story, (actor) => mayWrite(story.articleId, actor)));
      // Owners that would not fit beside their story's rows go in bulk statements after.
      const overflow = appends.map((append) => (this.fitsOneStatement(append) ? [] : append.owners));
      const inline = appends.map((append, k) => (overflow[k].length > 0 ? { ...append, owners: [] } : append));
      const stored: ({ id: number } | null)[][] = [];
      for (const group of this.statementGroups(inline)) {
        stored.push(...(await appendRows(tx, group, lockedFirst ? false : this.rowLocks)));
      }
      for (let k = 0; k < appends.length; k++) {
        const kept = overflow[k].filter(([row]) => stored[k][row] !== null).map(([, client, userId]) => [client, userId] as const);
        for (let start = 0; start < kept.length; start += this.ownerRowsPerStatement) {
          await insertClientOwners(tx, appends[k].articleId, kept.slice(start, start + this.ownerRowsPerStatement));
        }
      }
      return stories.map((story, k) => idsOfItems(story, appends[k], stored[k]));
    });
  }

  /** Whether a story's rows and owners fit one statement beside nothing else. */
  private fitsOneStatement(append: StoryAppend): boolean {
    return append.owners.length <= this.ownerRowsPerStatement && this.bound(append) <= MAX_BIND_PARAMETERS;
  }

  /** Values a story's share binds in the append statement. */
  private bound(append: StoryAppend): number {
    return BOUND_PER_STORY + BOUND_PER_ROW * append.rows.length + BOUND_PER_OWNER * append.owners.length;
  }

  /** Consecutive stories, as many per statement as its bind parameters allow. */
  private statementGroups(appends: StoryAppend[]): StoryAppend[][] {
    const groups: StoryAppend[][] = [];
    let current: StoryAppend[] = [];
    let bound = 0;
    let owners = 0;
    for (const append of appends) {
      const cost = this.bound(append);
      if (current.length > 0 && (bound + cost > MAX_BIND_PARAMETERS || owners + append.owners.length > this.ownerRowsPerStatement)) {
        groups.push(current);
        current = [];
        bound = 0;
        owners = 0;
      }
      current.push(append);
      bound += cost;
      owners += append.owners.length;
    }
    if (current.length > 0) groups.push(current);
    return groups;
  }

  /** A story's items as one row per writer who may write, with the owners their rows bring. */
  private storyAppend(story: StoryBatch, mayWrite: (actor: Actor | null) => boolean): WriterAppend {
    const rows = writerRows(story.items).filter((row) => mayWrite(row.actor));
    const owners: RowOwner[] = rows.flatMap((row, k) =>
      row.positions.flatMap((position) => story.items[position].newOwners.map(([client, userId]) => [k, client, userId] as const)),
    );
    return { articleId: story.articleId, touch: { title: story.title, intervalMs: this.touchIntervalMs }, rows, owners };
  }
}

/** A story's append with each row's items (positions in the story's batch). */
interface WriterAppend extends StoryAppend {
  rows: readonly WriterRow[];
}

/** Each item gets its row's id (null: refused, or its writer may not write). */
function idsOfItems(story: StoryBatch, append: WriterAppend, stored: readonly ({ id: number } | null)[]): ({ id: number } | null)[] {
  const ids: ({ id: number } | null)[] = story.items.map(() => null);
  append.rows.forEach((row, k) => {
    for (const position of row.positions) ids[position] = stored[k];
  });
  return ids;
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
