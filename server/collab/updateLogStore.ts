import { asc, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articles } from "../../db/schema";
import type { Actor } from "../../newsroom/actor";
import { can } from "../../newsroom/policy";
import { findArticleFacts } from "../articles/articleFacts";
import { insertClientOwners } from "./clientOwners";
import { appendToOneStory } from "./updateLog";

/** One update on its way to the log, with who sent it. */
export interface LogItem {
  userId: string | null;
  /** The rights the update needs at commit (null: the server itself). */
  actor: Actor | null;
  /** The sending socket's session: a signed-out session's updates are refused. */
  sessionId: string | null;
  update: Uint8Array;
  /** Owners of Yjs client ids first seen with this update. */
  newOwners: readonly (readonly [number, string | null])[];
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

/** Per story (same order as the batch), per item: its log row id, or null where refused. */
export type AppendedIds = ({ id: number } | null)[][];

/**
 * Where the group-commit writer puts update log rows. `appendBatch` is all or nothing: when it
 * rejects, no row of the batch was stored. The writer keeps each call small (rows and bytes are
 * bounded before it is called), so an implementation never needs to split a story's items.
 */
export interface UpdateLogStore {
  appendBatch(stories: readonly StoryBatch[], options?: AppendOptions): Promise<AppendedIds>;
}

/** How the writer wants one append carried out. */
export interface AppendOptions {
  /** The writer counts the commit as failed after this long: the database may give up too. */
  timeoutMs?: number;
}

/** Bind parameters one PostgreSQL statement may carry (a 16-bit count on the wire). */
const MAX_BIND_PARAMETERS = 65_535;
/** Each client-owner row binds three values (article, client id, user). */
const OWNER_ROWS_PER_STATEMENT_LIMIT = Math.floor(MAX_BIND_PARAMETERS / 3);

/**
 * The update log in the project's database (PGlite or PostgreSQL), through Drizzle.
 * Each transaction first locks its articles' rows (in id order, so two processes cannot
 * deadlock). Workflow transitions and snapshots lock the same row, so a log row id is never
 * allocated while they read; with `verifyAccess` (several processes) every update is judged
 * again by the article's committed state: an approval on another process wins.
 */
export class DrizzleUpdateLogStore implements UpdateLogStore {
  private readonly ownerRowsPerStatement: number;

  constructor(
    private readonly db: Db,
    private readonly verifyAccess = false,
    /** Client-owner rows per INSERT (kept under the bind-parameter limit whatever is asked). */
    ownerRowsPerStatement = 2000,
    /**
     * Whether the database can be told to give up waiting (PostgreSQL: lock and statement
     * timeouts). PGlite serves one connection, so nothing else holds its locks, and it cannot
     * cancel a running statement: there the writer's own timer is the only bound.
     */
    private readonly databaseTimeouts = false,
  ) {
    this.ownerRowsPerStatement = Math.max(1, Math.min(ownerRowsPerStatement, OWNER_ROWS_PER_STATEMENT_LIMIT));
  }

  /**
   * The common case (one story, no access re-check, no new Yjs client ids) needs no explicit
   * transaction on PGlite: one statement is one round trip and commits on its own. Typing
   * latency to the other writers is the commit time, since relays wait for it. On PostgreSQL
   * the timeouts need a transaction (SET LOCAL), so every commit there is one.
   */
  async appendBatch(stories: readonly StoryBatch[], options: AppendOptions = {}): Promise<AppendedIds> {
    const timeoutMs = this.databaseTimeouts ? options.timeoutMs : undefined;
    const noNewOwners = stories.every((story) => story.items.every((item) => item.newOwners.length === 0));
    if (!this.verifyAccess && stories.length === 1 && noNewOwners) {
      const [story] = stories;
      if (timeoutMs === undefined) {
        return [await appendToOneStory(this.db, story.articleId, story.title, story.lastUserId, story.items)];
      }
      return this.db.transaction(async (transaction) => {
        const tx = transaction as unknown as Db;
        await giveUpAfter(tx, timeoutMs);
        return [await appendToOneStory(tx, story.articleId, story.title, story.lastUserId, story.items)];
      });
    }
    return this.appendInTransaction(stories, timeoutMs);
  }

  private appendInTransaction(stories: readonly StoryBatch[], timeoutMs: number | undefined): Promise<AppendedIds> {
    return this.db.transaction(async (transaction) => {
      const tx = transaction as unknown as Db;
      if (timeoutMs !== undefined) await giveUpAfter(tx, timeoutMs);
      const articleIds = [...new Set(stories.map((story) => story.articleId))].sort();
      await tx
        .select({ id: articles.id })
        .from(articles)
        .where(inArray(articles.id, articleIds))
        .orderBy(asc(articles.id))
        .for("no key update");
      const mayWrite = await this.writePermission(tx, articleIds);
      const result: AppendedIds = [];
      for (const story of stories) {
        const ids: ({ id: number } | null)[] = story.items.map(() => null);
        const positions = story.items.flatMap((item, i) => (mayWrite(story.articleId, item.actor) ? [i] : []));
        if (positions.length > 0) {
          const stored = await appendToOneStory(
            tx,
            story.articleId,
            story.title,
            story.lastUserId,
            positions.map((i) => story.items[i]),
          );
          positions.forEach((i, k) => (ids[i] = stored[k]));
        }
        // Owners only of updates actually stored, all in a few bulk statements.
        const owners = story.items.flatMap((item, i) => (ids[i] ? item.newOwners : []));
        for (let start = 0; start < owners.length; start += this.ownerRowsPerStatement) {
          await insertClientOwners(tx, story.articleId, owners.slice(start, start + this.ownerRowsPerStatement));
        }
        result.push(ids);
      }
      return result;
    });
  }

  /** Who may still store updates, judged by the committed article rows (scale-out only). */
  private async writePermission(tx: Db, articleIds: string[]): Promise<(articleId: string, actor: Actor | null) => boolean> {
    if (!this.verifyAccess) return () => true;
    const factsOf = new Map<string, Awaited<ReturnType<typeof findArticleFacts>>>();
    for (const id of articleIds) factsOf.set(id, await findArticleFacts(tx, id));
    return (articleId, actor) => {
      if (actor === null) return true;
      const found = factsOf.get(articleId);
      return found != null && can(actor, "edit", found.facts);
    };
  }
}

/**
 * Makes PostgreSQL give up on this transaction's waits: a row or table lock held elsewhere
 * (lock_timeout) or any one statement running too long (statement_timeout). Both end with the
 * transaction, and one statement sets both.
 */
async function giveUpAfter(tx: Db, timeoutMs: number): Promise<void> {
  const ms = String(Math.max(1, Math.floor(timeoutMs)));
  await tx.execute(sql`select set_config('lock_timeout', ${ms}, true), set_config('statement_timeout', ${ms}, true)`);
}
