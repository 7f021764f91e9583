import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient } from "../support/collabClient";
import { clusterPrerequisitesMissing, startCluster, type TestCluster } from "../support/cluster";
import { api, createTeamStory, getArticle, signIn } from "../support/session";
import { sleep, waitFor } from "../support/wait";

/** Scheduled publishing (定时发布) with two server processes on one PostgreSQL and one Redis. */
const skip = clusterPrerequisitesMissing("the two-process scheduled publishing test");

/** Both processes look for due publications this often: they reach a due story together. */
const POLL_MS = 50;

interface Notification {
  kind: string;
  articleId: string | null;
}
interface AuditEntry {
  action: string;
  to: string;
}

describe.skipIf(skip)("a scheduled story with two server processes", () => {
  let cluster: TestCluster;
  let editor: string;
  let reporter: string;

  beforeAll(async () => {
    cluster = await startCluster(2, { SCHEDULED_PUBLISH_POLL_MS: String(POLL_MS) });
    editor = await signIn(cluster.servers[0].url, "huhongye");
    reporter = await signIn(cluster.servers[1].url, "yaoyuchao");
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it("is published exactly once: one audit entry, one notification per member", async () => {
    const [first, second] = cluster.servers;
    const id = await createTeamStory(first.url, editor, "两个进程同时看到的定时稿件");
    const writer = connectClient(second.url, id, reporter);
    try {
      await writer.waitSynced();
      writer.type("市民一早排队参观新开的图书馆。");
      await writer.waitSaved();
    } finally {
      writer.destroy();
    }
    const transition = (url: string, cookie: string, body: Record<string, unknown>) =>
      api(url, cookie, "POST", `/api/articles/${id}/transitions`, body);
    expect((await transition(second.url, reporter, { action: "submit" })).status).toBe(200);
    expect((await transition(first.url, editor, { action: "approve" })).status).toBe(200);
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    expect((await transition(second.url, editor, { action: "publish", at: inAnHour })).status).toBe(202);
    expect((await getArticle(first.url, editor, id)).state).toBe("approved");

    // The hour passes: the processes' clocks cannot be moved from here (each is its own
    // process), so the stored time is moved back instead. Both find the story due on their next
    // look, within one POLL_MS of each other.
    const db = new pg.Client({ connectionString: cluster.store.env.DATABASE_URL });
    await db.connect();
    try {
      const moved = await db.query("update articles set publish_at = now() - interval '1 second' where id = $1 and publish_at is not null", [id]);
      expect(moved.rowCount).toBe(1);
    } finally {
      await db.end();
    }

    await waitFor(async () => (await getArticle(second.url, reporter, id)).state === "published", {
      message: "the scheduled story published",
      timeoutMs: 30_000,
    });
    // Several more looks by both processes: a second publication would have happened by now.
    await sleep(POLL_MS * 10);

    const audit = await api<{ verified: boolean; entries: AuditEntry[] }>(first.url, editor, "GET", `/api/articles/${id}/audit`);
    expect(audit.body.verified).toBe(true);
    expect(audit.body.entries.filter((e) => e.action === "publish")).toHaveLength(1);
    expect(audit.body.entries.map((e) => e.action)).toEqual(["submit", "approve", "publish"]);

    for (const [url, cookie] of [
      [first.url, reporter],
      [second.url, await signIn(second.url, "zhoumi")],
    ] as const) {
      const inbox = await api<{ notifications: Notification[] }>(url, cookie, "GET", "/api/notifications");
      expect(inbox.body.notifications.filter((n) => n.articleId === id && n.kind === "published")).toHaveLength(1);
    }
    const story = await getArticle(first.url, editor, id);
    expect(story.state).toBe("published");
    expect((story as unknown as { publishAt: string | null }).publishAt ?? null).toBeNull();
  });
});
