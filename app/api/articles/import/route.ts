import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { can } from "@/newsroom/policy";
import { withPresence } from "@/server/articles/articleView";
import { getArticleSummary } from "@/server/articles/listArticles";
import { actorOf } from "@/server/auth/actorOf";
import { listEnabledUsers } from "@/server/auth/enabledUsers";
import { articleCreator } from "@/server/commands/articleCreator";
import { mediaSettings } from "@/server/env";
import { apiError } from "@/server/http/apiErrors";
import { importArticleBody } from "@/server/http/requestSchemas";
import { readUnsafeRequest } from "@/server/http/unsafeRequest";

export const dynamic = "force-dynamic";

/**
 * `POST /api/articles/import` `{title, dateline?, members, body}` → 201 with the new article:
 * a plain-text story reviewed on the import page (`/articles/import`). The body becomes the
 * live document's first content when the story is first opened (DESIGN.md §3: on the server,
 * inside the room load); the byline names enabled reporter accounts only.
 */
export async function POST(request: Request) {
  const { IMPORT_MAX_CHARACTERS } = mediaSettings();
  // Chinese text is three bytes a character in UTF-8; JSON adds the field names.
  const read = await readUnsafeRequest(request, importArticleBody, { maxBytes: IMPORT_MAX_CHARACTERS * 3 + 64 * 1024 });
  if ("error" in read) return read.error;
  if (!can(actorOf(read.user), "create")) return apiError("forbidden", "没有新建稿件的权限");
  const { title, dateline, members, body } = read.body;
  const characters = body.reduce((sum, block) => sum + ("text" in block ? block.text.length : block.caption.length), title.length);
  if (characters > IMPORT_MAX_CHARACTERS) return apiError("invalid_request", `导入的稿件不能超过 ${IMPORT_MAX_CHARACTERS} 个字符`);
  const db = getDb();
  const reporters = new Map((await listEnabledUsers(db)).filter((u) => u.role === "reporter").map((u) => [u.username, u]));
  const byline: { userId: string; label: string }[] = [];
  for (const member of members) {
    const account = reporters.get(member.username);
    if (!account) return apiError("invalid_request", `署名里的 ${member.username} 不是可用的记者或通讯员账号`);
    if (!byline.some((m) => m.userId === account.id)) byline.push({ userId: account.id, label: member.label });
  }
  const { id } = await articleCreator(db, { actor: read.user, title, draft: { body, members: byline, dateline } });
  const [created] = withPresence([(await getArticleSummary(db, id))!]);
  return NextResponse.json(created, { status: 201 });
}
