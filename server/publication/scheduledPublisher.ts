import "server-only";
import { and, asc, eq, inArray, isNotNull, lte } from "drizzle-orm";
import type { Db } from "../../db/client";
import { articles, users } from "../../db/schema";
import { TRANSITIONS } from "../../newsroom/workflow";
import { now } from "../clock";
import { articleTransitioner } from "../commands/articleTransitioner";
import { announceNotifications } from "../notifications/notificationHub";
import { notificationWriter } from "../notifications/notificationWriter";

export interface ScheduledPublisherOptions {
  /** How often to look for due publications, in ms. */
  pollMs: number;
  /** Most publications one look takes on. */
  batch: number;
}

/**
 * Publishes scheduled stories when their time comes (by the injectable clock, `server/clock.ts`).
 * Every process runs one. Exactly one publishes a story: the publish transition locks the
 * story's row and claims the schedule inside its transaction (the same `publish_at`, still
 * approved), so a second process finds it already published and does nothing. A schedule
 * stays stored until that transaction commits: a crash before then leaves it for the next look.
 * A publication refused for good (the text no longer matches the approval) is called off and
 * the editor who set it is told.
 */
export class ScheduledPublisher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly db: Db,
    private readonly options: ScheduledPublisherOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runDue(), this.options.pollMs);
    this.timer.unref();
  }

  /** Stops looking and waits for a look in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => 0);
  }

  /** Publishes what is due now; returns how many this process published. One look at a time. */
  runDue(): Promise<number> {
    this.running ??= this.publishDue()
      .catch((err) => {
        console.error("[schedule] scheduled publishing failed:", (err as Error).message);
        return 0;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async publishDue(): Promise<number> {
    const due = await this.db
      .select({ id: articles.id, publishAt: articles.publishAt, scheduledBy: articles.publishScheduledBy, title: articles.title })
      .from(articles)
      .where(
        and(
          isNotNull(articles.publishAt),
          lte(articles.publishAt, new Date(now())),
          inArray(articles.state, [...TRANSITIONS.publish.from]),
        ),
      )
      .orderBy(asc(articles.publishAt))
      .limit(this.options.batch);
    let published = 0;
    for (const story of due) {
      if (!story.publishAt || !story.scheduledBy) continue;
      const [editor] = await this.db.select().from(users).where(eq(users.id, story.scheduledBy)).limit(1);
      if (!editor) continue;
      // The publication is the editor's act: an account disabled since cannot publish. The
      // schedule is called off and the desk told, as nobody reads a disabled account's bell.
      if (editor.disabled) {
        await this.callOff(story.id, story.publishAt, story.title, editor, "安排定时发布的编辑账号已停用", true);
        continue;
      }
      const result = await articleTransitioner(this.db, {
        actor: editor,
        articleId: story.id,
        action: "publish",
        scheduledAt: story.publishAt,
      });
      if (result.ok) published += 1;
      else await this.callOff(story.id, story.publishAt, story.title, editor, result.message);
    }
    return published;
  }

  /**
   * A refused scheduled publish: if the schedule is still the one tried (not taken by another
   * process meanwhile, nor changed), it is called off and its editor told why.
   */
  private async callOff(
    articleId: string,
    publishAt: Date,
    title: string,
    editor: { id: string; displayName: string },
    reason: string,
    tellDesk = false,
  ): Promise<void> {
    const notified = await this.db.transaction(async (tx) => {
      const cleared = await tx
        .update(articles)
        .set({ publishAt: null, publishScheduledBy: null })
        .where(and(eq(articles.id, articleId), eq(articles.publishAt, publishAt), inArray(articles.state, [...TRANSITIONS.publish.from])))
        .returning({ id: articles.id });
      if (cleared.length === 0) return [];
      return notificationWriter(tx, {
        kind: "publish_failed",
        articleId,
        title,
        actor: editor,
        audiences: tellDesk ? [{ userIds: [editor.id] }, "desk"] : [{ userIds: [editor.id] }],
        tellActor: true,
        note: reason,
      });
    });
    announceNotifications(notified);
  }
}
