import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articles } from "../../db/schema";
import { SEARCH_GRAMS_VERSION } from "./listArticles";

export interface SearchGramsBackfillOptions {
  /** Most stories one statement rebuilds (10–18 ms each): bounds how long it holds the database. */
  batch: number;
  /** Pause between statements, in ms, so requests get the database between them. */
  pauseMs: number;
  /** First pause after a failed batch, in ms (×4 for each further failure, at most a minute). */
  backoffBaseMs?: number;
}

/**
 * Brings stories written before migration 0017 to the current search grams
 * (`SEARCH_GRAMS_VERSION`), a bounded batch at a time, newest edited first, in the background
 * after start: rebuilding every story inside the migration held startup for minutes on a large
 * newsroom. Writing a stale row's version to itself is enough: the trigger
 * `articles_search_columns` rebuilds any row below the current version. Until a row is reached a
 * search confirms it with LIKE (`listArticles.ts`), so results are exact throughout. Several
 * processes may run one: `skip locked` gives each different rows. Stops by itself when no stale
 * row is left. A failed batch (a busy database, a dropped connection) is tried again after a
 * growing pause, at most `BACKFILL_MAX_FAILURES` times in a row; then it is logged and the next
 * start resumes (searches stay exact meanwhile, only slower).
 */
/** Failed batches in a row after which the backfill gives up until the next start (~1.5 min of tries). */
export const BACKFILL_MAX_FAILURES = 6;
/** Longest pause after a failed batch, in ms. */
const BACKFILL_MAX_BACKOFF_MS = 60_000;

export class SearchGramsBackfill {
  private stopped = false;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly db: Db,
    private readonly options: SearchGramsBackfillOptions,
  ) {}

  /** Starts the batches in the background; the promise settles when they end (never rejects). */
  start(): Promise<void> {
    this.running ??= this.loop().catch((err) => {
      console.error("[search] rebuilding old stories' search grams failed; the next start resumes:", (err as Error).message);
    });
    return this.running;
  }

  /** Stops after the batch in progress and waits for it. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  /** Rebuilds at most one batch of stale rows; returns how many it rebuilt. */
  async runBatch(): Promise<number> {
    const result = await this.db.execute(sql`
      update ${articles} set search_grams_version = search_grams_version
      where ${articles.id} in (
        select id from ${articles} where search_grams_version < ${sql.raw(String(SEARCH_GRAMS_VERSION))}
        order by updated_at desc, id desc
        limit ${this.options.batch}
        for update skip locked
      )
      returning ${articles.id}`);
    return (result as unknown as { rows: unknown[] }).rows.length;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let rebuilt: number;
      try {
        rebuilt = await this.runBatch();
        failures = 0;
      } catch (err) {
        failures += 1;
        if (failures >= BACKFILL_MAX_FAILURES || this.stopped) throw err;
        await this.pause(Math.min(BACKFILL_MAX_BACKOFF_MS, (this.options.backoffBaseMs ?? 400) * 4 ** (failures - 1)));
        continue;
      }
      if (rebuilt < this.options.batch) return;
      await this.pause(this.options.pauseMs);
    }
  }

  /** Waits `ms`, or less if `stop()` is called meanwhile. */
  private async pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }
}
