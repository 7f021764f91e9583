import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { advanceClock, now as serverNow, resetClock } from "../../server/clock";
import { backends } from "../support/backends";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { api, createArticle, createTeamStory, signIn } from "../support/session";
import { createStore, type ServerStore } from "../support/testServer";
import { waitFor } from "../support/wait";

interface NotificationList {
  notifications: { id: number; kind: string; articleId: string | null; message: string; read: boolean }[];
  unread: number;
}
interface Answer {
  state?: string;
  publishAt?: string | null;
  slug?: string | null;
  error?: { code: string; message: string };
}

const HOUR = 3_600_000;
const PEOPLE = ["yaoyuchao", "xuweixiang", "zhoumi", "huhongye"] as const;
type Person = (typeof PEOPLE)[number];

describe.each(backends())("notifications, the reporter's byline and scheduled publishing (%s)", (backend) => {
  let store: ServerStore;
  let server: InProcessServer;
  const cookie = {} as Record<Person, string>;

  async function start() {
    server = await startInProcessServer(store, { SCHEDULED_PUBLISH_POLL_MS: "100" });
    for (const person of PEOPLE) cookie[person] = await signIn(server.url, person);
  }
  const call = <T = Answer>(person: Person, method: string, path: string, body?: unknown) =>
    api<T>(server.url, cookie[person], method, path, body);
  const transition = (person: Person, id: string, action: string, extra: Record<string, unknown> = {}) =>
    call(person, "POST", `/api/articles/${id}/transitions`, { action, ...extra });
  const inbox = async (person: Person) => (await call<NotificationList>(person, "GET", "/api/notifications")).body;
  const kindsFor = async (person: Person, articleId: string) =>
    (await inbox(person)).notifications.filter((n) => n.articleId === articleId).map((n) => n.kind);

  /** A story by the editor with the three reporters on it, submitted and approved. */
  async function approvedStory(title: string): Promise<string> {
    const id = await createTeamStory(server.url, cookie.huhongye, title);
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);
    expect((await transition("huhongye", id, "approve")).status).toBe(200);
    return id;
  }
  const articleState = async (id: string) => (await call<{ state: string; publishAt: string | null }>("huhongye", "GET", `/api/articles/${id}`)).body;

  beforeAll(async () => {
    store = await createStore(backend);
    await start();
  });
  afterAll(async () => {
    resetClock();
    await server?.stop();
    await store?.dispose();
  });

  it("tells the desk of a submission and the byline of the editor's answers, not the one who acted", async () => {
    const id = await createTeamStory(server.url, cookie.huhongye, "通知测试稿");
    await transition("yaoyuchao", id, "submit");
    expect(await kindsFor("huhongye", id)).toEqual(["submitted"]);
    expect(await kindsFor("yaoyuchao", id)).toEqual(["byline_added"]);

    await transition("huhongye", id, "request_changes", { note: "请补充采访对象的姓名" });
    const xu = (await inbox("xuweixiang")).notifications.filter((n) => n.articleId === id);
    expect(xu.map((n) => n.kind)).toEqual(["changes_requested", "byline_added"]);
    expect(xu[0].message).toContain("请补充采访对象的姓名");
    expect(xu[0].message).toContain("《通知测试稿》");

    await transition("zhoumi", id, "submit");
    await transition("huhongye", id, "approve");
    await transition("huhongye", id, "publish");
    for (const member of ["yaoyuchao", "xuweixiang", "zhoumi"] as const) {
      expect(await kindsFor(member, id)).toEqual(expect.arrayContaining(["approved", "published", "changes_requested"]));
    }
    // The editor acted on all of these: told only of the two submissions.
    expect(await kindsFor("huhongye", id)).toEqual(["submitted", "submitted"]);
  });

  it("marks notifications read, one by one or all, and only the person's own", async () => {
    const before = await inbox("xuweixiang");
    expect(before.unread).toBeGreaterThan(1);
    const [first] = before.notifications;
    const foreign = (await inbox("huhongye")).notifications[0];
    const one = await call<{ marked: number; unread: number }>("xuweixiang", "POST", "/api/notifications/read", {
      ids: [first.id, foreign.id],
    });
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ marked: 1, unread: before.unread - 1 });
    expect((await inbox("huhongye")).notifications[0].read).toBe(false);

    const bad = await call("xuweixiang", "POST", "/api/notifications/read", { ids: ["x"] });
    expect(bad.status).toBe(400);
    const tooMany = await call("xuweixiang", "POST", "/api/notifications/read", { ids: Array.from({ length: 501 }, (_, i) => i + 1) });
    expect(tooMany.status).toBe(400);
    expect((await inbox("xuweixiang")).unread).toBe(before.unread - 1);

    const all = await call<{ unread: number }>("xuweixiang", "POST", "/api/notifications/read", {});
    expect(all.body.unread).toBe(0);
    expect((await inbox("xuweixiang")).notifications.every((n) => n.read)).toBe(true);
    expect((await api(server.url, null, "GET", "/api/notifications")).status).toBe(401);
  });

  it("streams the unread count live, and refuses streams past the per-account limit", async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/notifications/stream`, {
      headers: { cookie: cookie.zhoumi },
      signal: controller.signal,
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body!.getReader();
    let received = "";
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(received)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}`);
        received += new TextDecoder().decode(value);
      }
    };
    await readUntil(/event: unread\ndata: \{"unread":\d+\}/);
    const start = Number(/"unread":(\d+)/.exec(received)![1]);
    received = "";
    const id = await createArticle(server.url, cookie.huhongye, "直播通知");
    await call("huhongye", "POST", `/api/articles/${id}/members`, { username: "zhoumi" });
    await readUntil(new RegExp(`"unread":${start + 1}`));

    // Eight streams per account by default: the ninth is refused while these are open.
    const openStream = async () => {
      const abort = new AbortController();
      const opened = await fetch(`${server.url}/api/notifications/stream`, { headers: { cookie: cookie.zhoumi }, signal: abort.signal });
      return { status: opened.status, opened, close: () => abort.abort() };
    };
    const more = await Promise.all(Array.from({ length: 7 }, openStream));
    expect(more.map((r) => r.status)).toEqual(Array(7).fill(200));
    const refused = await openStream();
    expect(refused.status).toBe(429);
    expect(((await refused.opened.json()) as Answer).error?.code).toBe("rate_limited");
    for (const stream of more) stream.close();
    controller.abort();
    // Slots come back once the streams close.
    await waitFor(
      async () => {
        const again = await openStream();
        again.close();
        return again.status === 200;
      },
      { message: "a stream slot freed" },
    );
  });

  it("lets the reporter who started a story add and order colleagues, and nobody else on it", async () => {
    const id = await createArticle(server.url, cookie.yaoyuchao, "记者自己组队");
    const added = await call<{ byline: { username: string }[] }>("yaoyuchao", "POST", `/api/articles/${id}/members`, { username: "zhoumi" });
    expect(added.status).toBe(200);
    expect(added.body.byline.map((m) => m.username)).toEqual(["yaoyuchao", "zhoumi"]);
    expect(await kindsFor("zhoumi", id)).toEqual(["byline_added"]);

    const reordered = await call<{ byline: { username: string }[] }>("yaoyuchao", "PUT", `/api/articles/${id}/members`, {
      usernames: ["zhoumi", "yaoyuchao"],
    });
    expect(reordered.body.byline.map((m) => m.username)).toEqual(["zhoumi", "yaoyuchao"]);

    // The colleague on the byline did not start it; removing is the desk's.
    expect((await call("zhoumi", "POST", `/api/articles/${id}/members`, { username: "xuweixiang" })).status).toBe(403);
    expect((await call("yaoyuchao", "DELETE", `/api/articles/${id}/members`, { username: "zhoumi" })).status).toBe(403);
    expect((await call("yaoyuchao", "POST", `/api/articles/${id}/members`, { username: "huhongye" })).status).toBe(400);

    // Once submitted, the byline is the desk's again.
    await transition("yaoyuchao", id, "submit");
    expect((await call("yaoyuchao", "POST", `/api/articles/${id}/members`, { username: "xuweixiang" })).status).toBe(409);
  });

  it("lets a reporter not on the byline ask to join: the members and the desk hear of it, once", async () => {
    const id = await createArticle(server.url, cookie.yaoyuchao, "申请加入");
    const asked = await call<{ notified: number }>("xuweixiang", "POST", `/api/articles/${id}/join-requests`, {});
    expect(asked.status).toBe(201);
    expect(await kindsFor("yaoyuchao", id)).toEqual(["join_requested"]);
    expect(await kindsFor("huhongye", id)).toEqual(["join_requested"]);
    expect((await inbox("yaoyuchao")).notifications[0].message).toContain("徐卫香请求加入《申请加入》的署名");
    expect((await call("xuweixiang", "POST", `/api/articles/${id}/join-requests`, {})).status).toBe(409);
    expect((await call("yaoyuchao", "POST", `/api/articles/${id}/join-requests`, {})).status).toBe(409);
    expect((await call("huhongye", "POST", `/api/articles/${id}/join-requests`, {})).status).toBe(403);
  });

  it("schedules a publication: refused in the past, for reporters and for unapproved stories; published at the clock's time", async () => {
    const id = await approvedStory("定时发布测试");
    const past = await transition("huhongye", id, "publish", { at: new Date(serverNow() - 60_000).toISOString() });
    expect(past.status).toBe(400);
    expect(past.body.error?.message).toContain("将来");
    // Refused, and nothing changed: still approved, not scheduled.
    const unchanged = await api<{ state: string; publishAt: string | null }>(server.url, cookie.huhongye, "GET", `/api/articles/${id}`);
    expect(unchanged.body).toMatchObject({ state: "approved", publishAt: null });
    expect((await transition("huhongye", id, "publish", { at: "明天早上" })).status).toBe(400);
    expect((await transition("huhongye", id, "approve", { at: new Date(serverNow() + HOUR).toISOString() })).status).toBe(400);
    const at = new Date(serverNow() + 2 * HOUR).toISOString();
    expect((await transition("yaoyuchao", id, "publish", { at })).status).toBe(403);
    const draft = await createTeamStory(server.url, cookie.huhongye, "未签发");
    expect((await transition("huhongye", draft, "publish", { at })).status).toBe(409);

    const scheduled = await transition("huhongye", id, "publish", { at });
    expect(scheduled.status).toBe(202);
    expect(scheduled.body.publishAt).toBe(at);
    expect(await articleState(id)).toMatchObject({ state: "approved", publishAt: at });
    expect(await kindsFor("yaoyuchao", id)).toContain("publish_scheduled");

    // Not yet: an hour on, still approved.
    advanceClock(HOUR);
    await new Promise((r) => setTimeout(r, 400));
    expect((await articleState(id)).state).toBe("approved");

    advanceClock(HOUR + 1000);
    await waitFor(async () => (await articleState(id)).state === "published", { message: "the scheduled publication" });
    expect((await articleState(id)).publishAt).toBeNull();
    expect(await kindsFor("huhongye", id)).toContain("published");
  });

  it("cancels a schedule; a second cancel is a 409", async () => {
    const id = await approvedStory("取消定时");
    const at = new Date(serverNow() + HOUR).toISOString();
    await transition("huhongye", id, "publish", { at });
    expect((await call("yaoyuchao", "DELETE", `/api/articles/${id}/schedule`, {})).status).toBe(403);
    expect((await call("huhongye", "DELETE", `/api/articles/${id}/schedule`, {})).status).toBe(200);
    expect((await call("huhongye", "DELETE", `/api/articles/${id}/schedule`, {})).status).toBe(409);
    advanceClock(2 * HOUR);
    await new Promise((r) => setTimeout(r, 400));
    expect(await articleState(id)).toMatchObject({ state: "approved", publishAt: null });
  });

  it("keeps a schedule across a restart and publishes it after", async () => {
    const id = await approvedStory("重启后定时发布");
    const at = new Date(serverNow() + HOUR).toISOString();
    expect((await transition("huhongye", id, "publish", { at })).status).toBe(202);
    await server.stop();
    await start();
    expect((await articleState(id)).publishAt).toBe(at);
    advanceClock(2 * HOUR);
    await waitFor(async () => (await articleState(id)).state === "published", { message: "published after the restart" });
  });
});
