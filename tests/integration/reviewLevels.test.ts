import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REVIEW_LEVELS_LOCK_KEY } from "../../server/review/reviewLevelSetting";
import { backends } from "../support/backends";
import { addReviewEditors } from "../support/reviewDesk";
import { connectClient, type CollabClient } from "../support/collabClient";
import { startInProcessServer, type InProcessServer } from "../support/inProcessServer";
import { api, createTeamStory, signIn } from "../support/session";
import { createStore, type ServerStore } from "../support/testServer";

interface Refusal {
  error?: { code: string; reason?: string; message: string; blockers?: { kind: string; id?: string; message: string }[] };
}
interface SignoffView {
  id: number;
  level: string;
  signer: { id: string; name: string } | null;
  contentHash: string;
  revisionId: number;
}
interface Status {
  contentHash: string;
  isDefault: boolean;
  levels: { name: string; status: string; signoff: SignoffView | null }[];
  canSign: string | null;
  mineStale: SignoffView[];
  history: SignoffView[];
}
interface Span {
  kind: "same" | "ins" | "del";
  text: string;
  author: string | null;
}
interface Changes {
  level: string;
  title: Span[];
  blocks: { spans: Span[] }[];
  authors: { id: string; name: string; inserted: number; deleted: number }[];
}
interface Receipt {
  url: string;
  algorithm: string;
  contentHash: string;
  signers: { level: string; name: string; signedAt: string }[];
  auditHead: string;
  auditEntries: number;
  content: string;
}

/** The three levels the tests configure: nobody is listed for two neighbouring levels only. */
const THREE_LEVELS = [
  { name: "初审", signers: ["huhongye", "fushen"] },
  { name: "复审", signers: ["fushen", "zhongshen"] },
  { name: "终审", signers: ["zhongshen", "huhongye"] },
];
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe.each(backends())("review levels (三审): sign-offs pinned to the hash, and the receipt (%s)", (backend) => {
  let store: ServerStore;
  let server: InProcessServer;
  const cookie: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const clients: CollabClient[] = [];
  const levels = (user: string, method: string, body?: unknown) =>
    api<Refusal & { isDefault: boolean; levels: { name: string; signers: "editors" | { username: string }[] }[] }>(
      server.url,
      cookie[user],
      method,
      "/api/admin/review-levels",
      body,
    );
  const sign = (user: string, id: string, level: string, extra: Record<string, unknown> = {}) =>
    api<Refusal & { id: number; contentHash: string }>(server.url, cookie[user], "POST", `/api/articles/${id}/signoffs`, { level, ...extra });
  const status = async (user: string, id: string) => (await api<Status>(server.url, cookie[user], "GET", `/api/articles/${id}/signoffs`)).body;
  const transition = (user: string, id: string, action: string, note?: string) =>
    api<Refusal & { state?: string; slug?: string }>(server.url, cookie[user], "POST", `/api/articles/${id}/transitions`, { action, note });
  const auditActions = async (id: string) =>
    (await api<{ verified: boolean; entries: { action: string; note: string | null; hash: string }[] }>(server.url, cookie.huhongye, "GET", `/api/articles/${id}/audit`))
      .body;
  /** A story written by the reporter, submitted for review (待审). */
  const submittedStory = async (text: string) => {
    const id = await createTeamStory(server.url, cookie.huhongye, "岳麓区秋季读书会开幕");
    const writer = connectClient(server.url, id, cookie.yaoyuchao);
    clients.push(writer);
    await writer.waitSynced();
    writer.type(text);
    await writer.waitSaved();
    return { id, writer };
  };
  /** An edit typed by `user` through a real collaboration client (the desk may write in 待审). */
  const typeAs = async (user: string, id: string, text: string) => {
    const client = connectClient(server.url, id, cookie[user]);
    clients.push(client);
    await client.waitSynced();
    client.type(text);
    await client.waitSaved();
    return client;
  };

  beforeAll(async () => {
    store = await createStore(backend);
    // The demo desk has one editor; 三审 needs three, made here.
    await addReviewEditors(store);
    server = await startInProcessServer(store, { REVIEW_LEVELS_MAX: "3", REVIEW_SIGNOFFS_MAX_PER_STORY: "6" });
    for (const user of ["yaoyuchao", "huhongye", "fushen", "zhongshen", "admin"]) cookie[user] = await signIn(server.url, user);
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server?.stop();
    await store?.dispose();
  });

  it("by default one level, signed by the editor's 签发 itself: the desk works as before, and the receipt names the editor", async () => {
    const before = await levels("admin", "GET");
    expect(before.body).toMatchObject({ isDefault: true, levels: [{ name: "签发", signers: "editors" }] });
    const { id } = await submittedStory("长沙市岳麓区今天举办秋季读书会。");
    expect((await status("huhongye", id)).isDefault).toBe(true);
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);
    // 签发 itself signs the default level: signing it by hand is refused (the receipt names the approver).
    const byHand = await sign("fushen", id, "签发");
    expect([byHand.status, byHand.body.error?.reason]).toEqual([409, "default_level"]);
    // Nothing to judge against the live text under the default: the status neither flushes nor hashes it.
    expect(await status("huhongye", id)).toMatchObject({ isDefault: true, contentHash: null, canSign: null });
    expect((await transition("huhongye", id, "approve")).body.state).toBe("approved");
    const published = await transition("huhongye", id, "publish");
    expect(published.body.state).toBe("published");
    const audit = await auditActions(id);
    expect(audit.entries.map((e) => e.action)).toEqual(["submit", "approve", "publish"]);
    const receipt = (await api<Receipt>(server.url, null, "GET", `/news/${published.body.slug}/receipt.json`)).body;
    expect(receipt.signers.map(({ level, name }) => ({ level, name }))).toEqual([{ level: "签发", name: "胡红叶" }]);
    expect(sha256(receipt.content)).toBe(receipt.contentHash);
  });

  it("the levels are an admin's setting: strict bodies, editors only, bounded by REVIEW_LEVELS_MAX", async () => {
    expect((await levels("huhongye", "GET")).status).toBe(403);
    expect((await levels("huhongye", "PUT", { levels: THREE_LEVELS })).status).toBe(403);
    const unknownField = await levels("admin", "PUT", { levels: THREE_LEVELS, order: "strict" });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error).toMatchObject({ code: "invalid_request", message: "不认识的字段：order" });
    expect((await levels("admin", "PUT", { levels: [{ name: "初审", signers: ["huhongye"], extra: 1 }] })).status).toBe(400);
    expect((await levels("admin", "PUT", { levels: [{ name: "初审", signers: "everyone" }] })).status).toBe(400);
    const reporter = await levels("admin", "PUT", { levels: [{ name: "初审", signers: ["yaoyuchao"] }] });
    expect(reporter.status).toBe(400);
    expect(reporter.body.error?.message).toBe("“yaoyuchao”不是编辑，不能签署审级");
    expect((await levels("admin", "PUT", { levels: [{ name: "初审", signers: ["nobody"] }] })).body.error?.message).toBe("没有启用的账号“nobody”");
    expect((await levels("admin", "PUT", { levels: [{ name: "初审", signers: [] }] })).status).toBe(400);
    const twice = await levels("admin", "PUT", { levels: [THREE_LEVELS[0], THREE_LEVELS[0]] });
    expect(twice.body.error?.message).toBe("审级“初审”重复");
    const tooMany = await levels("admin", "PUT", { levels: [...THREE_LEVELS, { name: "四审", signers: "editors" }] });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error?.message).toBe("审级最多 3 级");
    const control = await levels("admin", "PUT", { levels: [{ name: "初\u0007审", signers: "editors" }] });
    expect([control.status, control.body.error?.message]).toEqual([400, "审级名称不能包含控制字符"]);

    const saved = await levels("admin", "PUT", { levels: THREE_LEVELS });
    expect(saved.status).toBe(200);
    expect(saved.body.isDefault).toBe(false);
    expect(saved.body.levels.map((l) => [l.name, l.signers === "editors" ? l.signers : l.signers.map((s) => s.username)])).toEqual(
      THREE_LEVELS.map((l) => [l.name, l.signers]),
    );
    expect((await levels("admin", "GET")).body).toEqual(saved.body);
    // The change is on record in the console's audit log: who, and from what to what.
    const adminPage = await (await fetch(`${server.url}/admin`, { headers: { cookie: cookie.admin } })).text();
    expect(adminPage).toContain("修改审级");
    expect(adminPage).toContain("审级: 默认（签发） → 初审[huhongye、fushen] / 复审[fushen、zhongshen] / 终审[zhongshen、huhongye]");
  });

  it("three levels: in order, only listed signers, one level per person; an edit voids them and shows each signer exactly that edit; 签发 waits for all; the receipt verifies", async () => {
    expect((await levels("admin", "PUT", { levels: THREE_LEVELS })).status).toBe(200);
    const { id } = await submittedStory("长沙市岳麓区今天举办秋季读书会,预计吸引市民约三百人参加。");
    const draft = await sign("huhongye", id, "初审");
    expect([draft.status, draft.body.error?.reason]).toEqual([409, "not_submitted"]);
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);

    const refusals = [
      [await sign("yaoyuchao", id, "初审"), 403, "not_desk"],
      [await sign("fushen", id, "复审"), 409, "out_of_order"],
      [await sign("zhongshen", id, "初审"), 403, "not_a_signer"],
      [await sign("fushen", id, "三审"), 400, "unknown_level"],
      [await sign("fushen", id, "初审", { contentHash: "0".repeat(64) }), 409, "text_changed"],
    ] as const;
    for (const [response, code, reason] of refusals) expect([response.status, response.body.error?.reason]).toEqual([code, reason]);
    expect((await sign("fushen", id, "复审")).body.error?.message).toBe("须先完成“初审”");

    const first = await sign("fushen", id, "初审");
    expect(first.status).toBe(201);
    const sameTwice = await sign("fushen", id, "复审");
    expect([sameTwice.status, sameTwice.body.error?.reason]).toEqual([409, "signed_other_level"]);
    expect(sameTwice.body.error?.message).toBe("你已签署本稿的“初审”，同一人不能签署两个审级");
    expect((await sign("huhongye", id, "初审")).body.error?.reason).toBe("already_signed");
    expect((await sign("zhongshen", id, "复审")).status).toBe(201);

    const oneMissing = await transition("huhongye", id, "approve");
    expect(oneMissing.status).toBe(409);
    expect(oneMissing.body.error?.blockers).toEqual([{ kind: "signoff", id: "终审", message: "“终审”未在当前内容上签署" }]);
    expect((await sign("huhongye", id, "终审")).status).toBe(201);
    const allSigned = await status("fushen", id);
    expect(allSigned.levels.map((l) => [l.name, l.status, l.signoff?.signer?.name])).toEqual([
      ["初审", "signed", "复审编辑"],
      ["复审", "signed", "终审编辑"],
      ["终审", "signed", "胡红叶"],
    ]);
    expect(allSigned.levels.every((l) => l.signoff?.contentHash === allSigned.contentHash)).toBe(true);

    // The editor adds a sentence through the collaboration socket: every sign-off is on old text now.
    await typeAs("huhongye", id, "活动持续三天。");
    const stale = await status("fushen", id);
    expect(stale.contentHash).not.toBe(allSigned.contentHash);
    expect(stale.levels.map((l) => l.status)).toEqual(["stale", "stale", "stale"]);
    expect(stale.mineStale.map((s) => s.level)).toEqual(["初审"]);
    expect(stale.history).toHaveLength(3);

    // What 复审编辑 is shown: only that edit, attributed to the editor who typed it.
    const changes = await api<Changes>(server.url, cookie.fushen, "GET", `/api/articles/${id}/signoffs/${stale.mineStale[0].id}/changes`);
    expect(changes.status).toBe(200);
    const spans = changes.body.blocks.flatMap((b) => b.spans).filter((s) => s.kind !== "same");
    expect(spans.map((s) => [s.kind, s.text])).toEqual([["ins", "活动持续三天。"]]);
    expect(changes.body.title.every((s) => s.kind === "same")).toBe(true);
    expect(changes.body.authors.map((a) => [a.name, a.inserted, a.deleted])).toEqual([["胡红叶", 7, 0]]);
    expect(spans[0].author).toBe(changes.body.authors[0].id);

    const allMissing = await transition("huhongye", id, "approve");
    expect(allMissing.status).toBe(409);
    expect(allMissing.body.error?.blockers?.map((b) => [b.kind, b.id])).toEqual([
      ["signoff", "初审"],
      ["signoff", "复审"],
      ["signoff", "终审"],
    ]);
    expect(allMissing.body.error?.message).toContain("“初审”未在当前内容上签署");
    expect((await sign("zhongshen", id, "复审")).body.error?.reason).toBe("out_of_order");

    for (const [user, level] of [
      ["fushen", "初审"],
      ["zhongshen", "复审"],
    ]) {
      expect((await sign(user, id, level)).status).toBe(201);
      expect((await transition("huhongye", id, "approve")).status).toBe(409);
    }
    expect((await sign("huhongye", id, "终审")).status).toBe(201);
    expect((await transition("huhongye", id, "approve")).body.state).toBe("approved");
    const published = await transition("huhongye", id, "publish");
    expect(published.body.state).toBe("published");

    const audit = await auditActions(id);
    expect(audit.verified).toBe(true);
    expect(audit.entries.map((e) => [e.action, e.note])).toEqual([
      ["submit", null],
      ["sign_off", "初审"],
      ["sign_off", "复审"],
      ["sign_off", "终审"],
      ["sign_off", "初审"],
      ["sign_off", "复审"],
      ["sign_off", "终审"],
      ["approve", null],
      ["publish", null],
    ]);

    // The receipt: the hash recomputed from its canonical content, the signers on that hash, the audit head.
    const slug = published.body.slug!;
    const receiptResponse = await fetch(`${server.url}/news/${slug}/receipt.json`);
    expect(receiptResponse.status).toBe(200);
    const receipt = (await receiptResponse.json()) as Receipt;
    console.log(`[receipt] ${JSON.stringify({ ...receipt, content: `${receipt.content.length} characters` })}`);
    expect(receipt.algorithm).toBe("sha256");
    expect(sha256(receipt.content)).toBe(receipt.contentHash);
    const canonical = JSON.parse(receipt.content) as { v: number; title: string; byline: { name: string }[]; dateline: string };
    expect(canonical).toMatchObject({ v: 1, title: "岳麓区秋季读书会开幕", dateline: "长沙报道" });
    expect(receipt.content).toContain("活动持续三天。");
    expect(receipt.signers.map(({ level, name }) => [level, name])).toEqual([
      ["初审", "复审编辑"],
      ["复审", "终审编辑"],
      ["终审", "胡红叶"],
    ]);
    expect(receipt.auditHead).toBe(audit.entries.at(-1)!.hash);
    expect(receipt.auditEntries).toBe(audit.entries.length);

    // The page serves the same text: its receipt block carries the same hash, signers and head.
    const page = await (await fetch(`${server.url}/news/${slug}`)).text();
    expect(page).toContain(`<em data-testid="receipt-hash">${receipt.contentHash}</em>`);
    expect(page).toContain("初审：复审编辑 · 复审：终审编辑 · 终审：胡红叶");
    expect(page).toContain(`<em data-testid="receipt-audit-head">${receipt.auditHead}</em>`);
    expect(page).toContain(`href="/news/${slug}/receipt.json"`);
    expect(page).toContain("活动持续三天。");
    const feed = await (await fetch(`${server.url}/news/feed.xml`)).text();
    const entry = feed.split("<entry>").find((e) => e.includes(`/news/${slug}<`))!;
    expect(entry).toContain(`<r:receipt contentHash="${receipt.contentHash}" auditHead="${receipt.auditHead}">`);
    expect(entry).toContain(`<r:signer level="终审" name="胡红叶"/>`);

    // A correction under way is unpublished workflow: the public receipt keeps the served revision's head.
    expect((await transition("huhongye", id, "correct", "更正了活动日期。")).body.state).toBe("correcting");
    const during = (await api<Receipt>(server.url, null, "GET", `/news/${slug}/receipt.json`)).body;
    expect([during.contentHash, during.auditHead, during.auditEntries]).toEqual([receipt.contentHash, receipt.auditHead, receipt.auditEntries]);
    expect(await (await fetch(`${server.url}/news/${slug}`)).text()).toContain(`<em data-testid="receipt-audit-head">${receipt.auditHead}</em>`);
  });

  it("a send-back keeps the sign-offs: unchanged text still counts, a changed one must be signed again", async () => {
    expect((await levels("admin", "PUT", { levels: THREE_LEVELS })).status).toBe(200);
    const { id, writer } = await submittedStory("望城区开展廉洁文化进校园活动。");
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);
    expect((await sign("huhongye", id, "初审")).status).toBe(201);
    expect((await transition("huhongye", id, "request_changes", "请补充时间")).status).toBe(200);
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);
    expect((await status("fushen", id)).levels.map((l) => l.status)).toEqual(["signed", "unsigned", "unsigned"]);

    expect((await transition("huhongye", id, "request_changes", "请补充时间")).status).toBe(200);
    writer.type("活动于本周五举行。");
    await writer.waitSaved();
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);
    const after = await status("huhongye", id);
    expect(after.levels.map((l) => l.status)).toEqual(["stale", "unsigned", "unsigned"]);
    expect(after.history.map((s) => [s.level, s.signer?.name])).toEqual([["初审", "胡红叶"]]);
    expect(after.canSign).toBe("初审");
    expect(after.mineStale.map((s) => s.level)).toEqual(["初审"]);
  });

  it("two signers of one level at once: exactly one signs, the other is told it is signed", async () => {
    expect((await levels("admin", "PUT", { levels: THREE_LEVELS })).status).toBe(200);
    const { id } = await submittedStory("两人同时签署初审。");
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);
    const both = await Promise.all([sign("huhongye", id, "初审"), sign("fushen", id, "初审")]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(both.find((r) => r.status === 409)?.body.error?.reason).toBe("already_signed");
    expect((await status("huhongye", id)).history).toHaveLength(1);
  });

  it("a story keeps at most REVIEW_SIGNOFFS_MAX_PER_STORY sign-offs; past it, a clear 409", async () => {
    expect((await levels("admin", "PUT", { levels: THREE_LEVELS })).status).toBe(200);
    const { id } = await submittedStory("反复修改的稿件。");
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);
    const editor = connectClient(server.url, id, cookie.huhongye);
    clients.push(editor);
    await editor.waitSynced();
    for (let round = 1; round <= 6; round += 1) {
      expect((await sign("huhongye", id, "初审")).status).toBe(201);
      editor.type(`第${round}次修改。`);
      await editor.waitSaved();
    }
    const refused = await sign("huhongye", id, "初审");
    expect([refused.status, refused.body.error?.reason]).toEqual([409, "too_many_signoffs"]);
    expect(refused.body.error?.message).toBe("这篇稿件的签署记录已达上限（6 条）");
    // The bound is per submission cycle: sent back and submitted again, the story can be signed again.
    expect((await transition("huhongye", id, "request_changes", "请再核实")).status).toBe(200);
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);
    expect((await sign("huhongye", id, "初审")).status).toBe(201);
  });

  it("a sign-off stops counting once its signer is taken off the level: 签发 waits for the level again", async () => {
    expect((await levels("admin", "PUT", { levels: [{ name: "初审", signers: ["fushen"] }, { name: "复审", signers: ["zhongshen"] }] })).status).toBe(200);
    const { id } = await submittedStory("开福区新建两座口袋公园。");
    expect((await transition("yaoyuchao", id, "submit")).status).toBe(200);
    expect((await sign("fushen", id, "初审")).status).toBe(201);
    expect((await sign("zhongshen", id, "复审")).status).toBe(201);
    expect((await levels("admin", "PUT", { levels: [{ name: "初审", signers: ["huhongye"] }, { name: "复审", signers: ["zhongshen"] }] })).status).toBe(200);
    expect((await status("huhongye", id)).levels.map((l) => l.status)).toEqual(["unsigned", "signed"]);
    const approve = await transition("huhongye", id, "approve");
    expect(approve.status).toBe(409);
    expect(approve.body.error?.blockers?.filter((b) => b.kind === "signoff").map((b) => b.id)).toEqual(["初审"]);
  });
});

/**
 * The approval reads the levels once, under the shared levels lock: while a change of the levels
 * holds the lock (the editor takes it exclusively), 签发 waits instead of judging half a change.
 * PostgreSQL only: another session holds the lock from outside, as a second process would.
 */
describe.each(backends().filter((b) => b === "postgres"))("review levels (三审): 签发 waits for a change of the levels (%s)", (backend) => {
  let store: ServerStore;
  let server: InProcessServer;
  beforeAll(async () => {
    store = await createStore(backend);
    server = await startInProcessServer(store);
  });
  afterAll(async () => {
    await server?.stop();
    await store?.dispose();
  });

  it("an approval asks for the levels lock and goes on once the change is done", async () => {
    const reporter = await signIn(server.url, "yaoyuchao");
    const editor = await signIn(server.url, "huhongye");
    const id = await createTeamStory(server.url, editor, "芙蓉区社区食堂开张");
    expect((await api(server.url, reporter, "POST", `/api/articles/${id}/transitions`, { action: "submit" })).status).toBe(200);
    const holder = new pg.Client({ connectionString: store.env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query("select pg_advisory_lock($1)", [REVIEW_LEVELS_LOCK_KEY]);
      const approving = api<{ state?: string }>(server.url, editor, "POST", `/api/articles/${id}/transitions`, { action: "approve" });
      // The approval's transaction is queued on the levels lock (a waiting, ungranted advisory lock).
      const waiting = async () =>
        (await holder.query("select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and objid = $1", [REVIEW_LEVELS_LOCK_KEY]))
          .rows[0].n as number;
      await expect.poll(waiting, { timeout: 15_000 }).toBe(1);
      await holder.query("select pg_advisory_unlock($1)", [REVIEW_LEVELS_LOCK_KEY]);
      expect((await approving).body.state).toBe("approved");
    } finally {
      await holder.end();
    }
  });
});
