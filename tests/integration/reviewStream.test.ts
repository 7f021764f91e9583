import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anchorInText } from "../../newsroom/commentAnchor";
import { hashPassword } from "../../server/auth/password";
import { SESSION_MAX_AGE_S } from "../../server/auth/sessionLifetime";
import { advanceClock, resetClock } from "../../server/clock";
import { backends } from "../support/backends";
import { connectClient, type CollabClient } from "../support/collabClient";
import { openEventStream, type EventStream } from "../support/eventStream";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { overrideFailedChecks } from "../support/reviewChecks";
import { addMembers, api, createTeamStory, signIn, signOut } from "../support/session";
import { withStoreSql } from "../support/storeSql";
import { createStore, DEMO_PASSWORD, TEST_HASH_COST, type ServerStore } from "../support/testServer";
import { waitFor } from "../support/wait";

/**
 * The story's live review channel (`/api/articles/:id/comments/stream`): colleagues' sign-offs
 * and check overrides reach open pages (`event: review`), and a stream whose holder lost access
 * (taken off the byline, disabled, signed out) closes instead of telling them more.
 */
describe.each(backends())("the story's live review stream (%s)", (backend) => {
  let store: ServerStore;
  let server: InProcessServer;
  let linxiId: string;
  const cookie: Record<string, string> = {};
  const streams: EventStream[] = [];
  const writers = new Map<string, CollabClient>();
  const streamOf = async (user: string, id: string, userCookie = cookie[user]) => {
    const stream = await openEventStream(server.url, userCookie, `/api/articles/${id}/comments/stream`);
    streams.push(stream);
    expect(stream.status).toBe(200);
    await waitFor(() => stream.events.includes("ready"), { message: `${user}'s stream is live` });
    return stream;
  };
  /** A comment by the editor on the story: an event every open stream of it is told. */
  const editorComments = async (id: string, text: string) => {
    const paragraph = (writers.get(id)!.doc.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const anchor = anchorInText(paragraph, 0, 2);
    const { status } = await api(server.url, cookie.huhongye, "POST", `/api/articles/${id}/comments`, { anchor, quote: "长沙", text });
    return status;
  };
  /** A story with text, submitted (待审). */
  const submittedStory = async (title: string) => {
    const id = await createTeamStory(server.url, cookie.huhongye, title);
    const writer = connectClient(server.url, id, cookie.yaoyuchao);
    await writer.waitSynced();
    writer.type("长沙市岳麓区今天举办秋季读书会，预计吸引市民约三百人参加。");
    await writer.waitSaved();
    writers.set(id, writer); // kept: comments are anchored in its copy of the text
    expect((await api(server.url, cookie.yaoyuchao, "POST", `/api/articles/${id}/transitions`, { action: "submit" })).status).toBe(200);
    return id;
  };

  beforeAll(async () => {
    store = await createStore(backend);
    await withStoreSql(store, async (query) => {
      const rows = (await query(
        "insert into users (username, display_name, role, byline_label, password_hash) values ('linxi', '林夕', 'reporter', '记者', $1) returning id",
        [await hashPassword(DEMO_PASSWORD, TEST_HASH_COST)],
      )) as { id: string }[];
      linxiId = rows[0].id;
    });
    // A short headline limit: every story's title fails a check, so an override can be made.
    server = await startInProcessServer(store, { CHECKS_MAX_HEADLINE_CHARACTERS: "4" });
    for (const user of ["admin", "huhongye", "yaoyuchao", "zhoumi", "linxi"]) cookie[user] = await signIn(server.url, user);
    // One level any editor signs: enough for a sign-off to be made and heard.
    const levels = [{ name: "初审", signers: "editors" }];
    expect((await api(server.url, cookie.admin, "PUT", "/api/admin/review-levels", { levels })).status).toBe(200);
  });

  afterAll(async () => {
    for (const stream of streams) stream.close();
    for (const writer of writers.values()) writer.destroy();
    await server?.stop();
    await store?.dispose();
  });

  it("a colleague's sign-off and check override reach the reporter's open stream as `review`", async () => {
    const id = await submittedStory("岳麓山下的秋季读书会");
    const reporter = await streamOf("yaoyuchao", id);
    const signed = await api(server.url, cookie.huhongye, "POST", `/api/articles/${id}/signoffs`, { level: "初审" });
    expect(signed.status).toBe(201);
    await waitFor(() => reporter.events.includes("review"), { message: "the sign-off reaches the reporter's stream" });

    const before = reporter.events.filter((e) => e === "review").length;
    expect(await overrideFailedChecks(server.url, cookie.huhongye, id)).toContain("headline");
    await waitFor(() => reporter.events.filter((e) => e === "review").length > before, { message: "the override reaches the reporter's stream" });
    // Comments are their own event: the review panel is not asked to read for a comment.
    expect(reporter.events).not.toContain("changed");
    expect(reporter.ended).toBe(false);
  });

  it("a reporter taken off the byline stops hearing the story: the next event closes her stream instead", async () => {
    const id = await submittedStory("读书会开幕");
    const zhoumi = await streamOf("zhoumi", id);
    const yao = await streamOf("yaoyuchao", id);
    expect(await editorComments(id, "第一条")).toBe(201);
    await waitFor(() => zhoumi.events.includes("changed") && yao.events.includes("changed"), { message: "both hear the first comment" });

    const removed = await api(server.url, cookie.huhongye, "DELETE", `/api/articles/${id}/members`, { username: "zhoumi" });
    expect(removed.status).toBe(200);
    expect(await editorComments(id, "第二条")).toBe(201);
    await waitFor(() => yao.events.filter((e) => e === "changed").length === 2, { message: "the byline's reporter hears the second comment" });
    await waitFor(() => zhoumi.ended, { message: "the removed reporter's stream closes" });
    expect(zhoumi.events.filter((e) => e === "changed")).toHaveLength(1);
    // Opening it again is refused.
    expect((await openEventStream(server.url, cookie.zhoumi, `/api/articles/${id}/comments/stream`)).status).toBe(403);
  });

  it("a disabled account's stream and a signed-out session's stream close at once", async () => {
    const id = await submittedStory("读书会闭幕");
    await addMembers(server.url, cookie.huhongye, id, ["linxi"]);
    const linxi = await streamOf("linxi", id);
    // A second session of the reporter's, signed out below; her first session's stream stays.
    const otherSession = await signIn(server.url, "yaoyuchao");
    const leaving = await streamOf("yaoyuchao", id, otherSession);
    const staying = await streamOf("yaoyuchao", id);

    expect((await api(server.url, cookie.admin, "PATCH", `/api/admin/users/${linxiId}`, { disabled: true })).status).toBe(200);
    await waitFor(() => linxi.ended, { message: "the disabled account's stream closes" });

    await signOut(server.url, otherSession);
    await waitFor(() => leaving.ended, { message: "the signed-out session's stream closes" });

    expect(await editorComments(id, "还在吗")).toBe(201);
    await waitFor(() => staying.events.includes("changed"), { message: "the live session still hears the story" });
    expect(staying.ended).toBe(false);
    expect(linxi.events).not.toContain("changed");
    expect(leaving.events).not.toContain("changed");
  });
  it("a stream ends once the session's token it was opened with has expired, as every request's session check would", async () => {
    const id = await submittedStory("读书会预告");
    const yao = await streamOf("yaoyuchao", id);
    expect(await editorComments(id, "过期前")).toBe(201);
    await waitFor(() => yao.events.includes("changed"), { message: "the stream hears the story before its token expires" });
    // Past the token's expiry (the idle lifetime, 12 h): the next event closes the stream instead.
    advanceClock(SESSION_MAX_AGE_S * 1000 + 60_000);
    try {
      expect(await editorComments(id, "过期后")).toBe(201);
      await waitFor(() => yao.ended, { message: "the expired session's stream closes" });
      expect(yao.events.filter((e) => e === "changed")).toHaveLength(1);
    } finally {
      resetClock();
    }
  });
});
