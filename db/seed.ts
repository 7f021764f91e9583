import "server-only";
import { sql } from "drizzle-orm";
import { encodeStoryContent, type StoryContent } from "../newsroom/storyBlocks";
import type { Role } from "../newsroom/roles";
import { hashPassword, type HashCost } from "../server/auth/password";
import { recordUpdateOwner } from "../server/storyLog/clientOwners";
import type { Db } from "./client";
import { articleMembers, articles, articleUpdates, users } from "./schema";

interface DemoAccount {
  username: string;
  displayName: string;
  role: Role;
  /** 记者 / 通讯员 for reporters (newsroom/roles.ts ACCOUNT_LABELS), the role's own label otherwise. */
  bylineLabel: string;
}

/** The demo newsroom of DESIGN.md §1. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { username: "yaoyuchao", displayName: "姚宇超", role: "reporter", bylineLabel: "记者" },
  { username: "xuweixiang", displayName: "徐卫香", role: "reporter", bylineLabel: "通讯员" },
  { username: "zhoumi", displayName: "周汨", role: "reporter", bylineLabel: "通讯员" },
  { username: "huhongye", displayName: "胡红叶", role: "editor", bylineLabel: "编辑" },
  // The role account that opens the admin console (/admin).
  { username: "admin", displayName: "系统管理员", role: "admin", bylineLabel: "管理员" },
];

/** A short story written for the demo, so the dashboard is not empty on first start. */
const DEMO_STORY: StoryContent = {
  title: "湘江边的社区书屋:一间老厂房里的夜读时光",
  body: [
    {
      type: "paragraph",
      text: "傍晚六点,长沙市天心区一处由老纺织厂房改造的社区书屋亮起了灯。附近的居民陆续走进来,有人带着孩子读绘本,有人在靠窗的长桌前翻看地方志。",
    },
    { type: "heading", level: 2, text: "旧厂房里的新书香" },
    {
      type: "paragraph",
      text: "书屋负责人介绍,这里的藏书大多来自居民捐赠,开放一年来已借出图书一万余册。每到周末,志愿者还会组织读书分享会。",
    },
    { type: "blockquote", text: "“下班后来坐一坐,比刷手机踏实。”一位常来的读者说。" },
  ],
};

/**
 * Creates the demo newsroom when the database has no users yet. Returns true when it did, so
 * the caller prints the password exactly once.
 */
export async function seedDemoNewsroom(db: Db, password: string, cost?: HashCost): Promise<boolean> {
  // Every start calls this; only a first one seeds. Hashing (scrypt, 32 MiB) is skipped when
  // there are users already, which is every restart. The check below, under the lock, decides.
  if ((await db.select({ id: users.id }).from(users).limit(1)).length > 0) return false;
  const passwordHash = await hashPassword(password, cost);
  return db.transaction(async (tx) => {
    // Two processes starting on one empty PostgreSQL must not both seed.
    await tx.execute(sql`select pg_advisory_xact_lock(727001)`);
    const existing = await tx.select({ id: users.id }).from(users).limit(1);
    if (existing.length > 0) return false;

    const created = await tx
      .insert(users)
      .values(DEMO_ACCOUNTS.map((account, colorIndex) => ({ ...account, passwordHash, colorIndex })))
      .returning();
    const byUsername = new Map(created.map((u) => [u.username, u]));
    const author = byUsername.get("yaoyuchao")!;

    const [story] = await tx
      .insert(articles)
      .values({ title: DEMO_STORY.title, createdBy: author.id, lastEditedBy: author.id })
      .returning();
    const reporters = DEMO_ACCOUNTS.filter((a) => a.role === "reporter");
    await tx.insert(articleMembers).values(
      reporters.map((account, position) => ({
        articleId: story.id,
        userId: byUsername.get(account.username)!.id,
        label: account.bylineLabel,
        position,
      })),
    );
    const update = encodeStoryContent(DEMO_STORY);
    await tx.insert(articleUpdates).values({ articleId: story.id, userId: author.id, update });
    await recordUpdateOwner(tx, story.id, update, author.id);
    return true;
  });
}
