import "server-only";
import { asc, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articles } from "../../db/schema";
import type { Actor } from "../../newsroom/actor";
import { findArticleFacts } from "../articles/articleFacts";
import { appendRows } from "./appendRows";
import { insertClientOwners, loadClientOwners } from "./clientOwners";
import { loadStoredDocument, snapshotFromLog } from "./storedDocument";
import type { AppendedIds, AppendOptions, ClientOwners, RightsAtCommit, StoredDocument, StoryBatch, StoryStore, WrittenSnapshot } from "./storyStore";
import { writerRows } from "./writerRows";

/** Bind parameters one PostgreSQL statement may carry (a 16-bit count on the wire). */
const MAX_BIND_PARAMETERS = 65_535;
/** Each client-owner row binds three values (article, client id, user). */
const OWNER_ROWS_PER_STATEMENT_LIMIT = Math.floor(MAX_BIND_PARAMETERS / 3);

/**
 * The story log in the project's database (PGlite or PostgreSQL), through Drizzle. Each
 * transaction first locks its articles' rows (in id order, so two processes cannot deadlock).
 * Workflow transitions and snapshots lock the same row, so a log row id is never allocated
 * while they read; with a rights check at commit (several processes) every writer is judged
 * again by the article's committed state: an approval on another process wins.
 */
export class DrizzleStoryStore implements StoryStore {
  private readonly ownerRowsPerStatement: number;

  constructor(
    private readonly db: Db,
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
   * The common case (one story, no rights check, no new Yjs client ids) needs no explicit
   * transaction on PGlite: one statement is one round trip and commits on its own. Typing
   * latency to the other writers is the commit time, since relays wait for it. On PostgreSQL
   * the timeouts need a transaction (SET LOCAL), so every commit there is one.
   */
  async appendBatch(stories: readonly StoryBatch[], options: AppendOptions = {}): Promise<AppendedIds> {
    const timeoutMs = this.databaseTimeouts ? options.timeoutMs : undefined;
    const rightsAtCommit = options.rightsAtCommit ?? null;
    const noNewOwners = stories.every((story) => story.items.every((item) => item.newOwners.length === 0));
    if (!rightsAtCommit && stories.length === 1 && noNewOwners && timeoutMs === undefined) {
      return [await this.appendStory(this.db, stories[0], () => true)];
    }
    return this.db.transaction(async (transaction) => {
      const tx = transaction as unknown as Db;
      if (timeoutMs !== undefined) await giveUpAfter(tx, timeoutMs);
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
        const ids = await this.appendStory(tx, story, (actor) => mayWrite(story.articleId, actor));
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

  /** One story's items as one row per writer; each item gets its row's id (null: refused). */
  private async appendStory(db: Db, story: StoryBatch, mayWrite: (actor: Actor | null) => boolean) {
    const ids: ({ id: number } | null)[] = story.items.map(() => null);
    const rows = writerRows(story.items).filter((row) => mayWrite(row.actor));
    if (rows.length === 0) return ids;
    const stored = await appendRows(db, story.articleId, story.title, story.lastUserId, rows);
    rows.forEach((row, k) => {
      for (const position of row.positions) ids[position] = stored[k];
    });
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

/**
 * Makes PostgreSQL give up on this transaction's waits: a row or table lock held elsewhere
 * (lock_timeout) or any one statement running too long (statement_timeout). Both end with the
 * transaction, and one statement sets both.
 */
async function giveUpAfter(tx: Db, timeoutMs: number): Promise<void> {
  const ms = String(Math.max(1, Math.floor(timeoutMs)));
  await tx.execute(sql`select set_config('lock_timeout', ${ms}, true), set_config('statement_timeout', ${ms}, true)`);
}
