import { NextResponse } from "next/server";
import { getDb } from "../../../db/client";
import { canCreateArticle } from "../../../newsroom/permissions";
import { isRole } from "../../../newsroom/roles";
import { articleCreator, MAX_TITLE_LENGTH } from "../../../server/articles/articleCreator";
import { withPresence } from "../../../server/articles/articleView";
import { getArticleSummary, listArticles } from "../../../server/articles/listArticles";
import { currentUser } from "../../../server/auth/currentUser";
import { apiError, notSignedIn } from "../../../server/http/apiErrors";
import { foreignOriginError, readJsonObject } from "../../../server/http/requestGuards";

export const dynamic = "force-dynamic";

/** `GET /api/articles`: every article, most recently edited first. */
export async function GET() {
  const user = await currentUser();
  if (!user) return notSignedIn();
  return NextResponse.json({ articles: withPresence(await listArticles(getDb())) });
}

/** `POST /api/articles` `{title?}` → 201 with the new article. */
export async function POST(request: Request) {
  const refused = foreignOriginError(request);
  if (refused) return refused;
  const user = await currentUser();
  if (!user) return notSignedIn();
  if (!isRole(user.role) || !canCreateArticle({ id: user.id, role: user.role })) {
    return apiError("forbidden", "没有新建稿件的权限");
  }
  const read = await readJsonObject(request);
  if ("error" in read) return read.error;
  const title = read.body.title ?? "";
  if (typeof title !== "string") return apiError("bad_request", "标题必须是文本");
  if (title.length > MAX_TITLE_LENGTH) return apiError("bad_request", `标题不能超过 ${MAX_TITLE_LENGTH} 个字符`);
  const db = getDb();
  const { id } = await articleCreator(db, { actor: user, title });
  const [created] = withPresence([(await getArticleSummary(db, id))!]);
  return NextResponse.json(created, { status: 201 });
}
