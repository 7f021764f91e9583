import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { getDb } from "../../../db/client";
import { ARTICLE_STATE_NAMES_ZH } from "../../../newsroom/articleStates";
import { formatBylineNames } from "../../../newsroom/byline";
import { canEditArticle, canReadArticle } from "../../../newsroom/permissions";
import { isRole } from "../../../newsroom/roles";
import { userColor } from "../../../newsroom/userColor";
import { findArticleFacts } from "../../../server/articles/articleFacts";
import { getArticleSummary } from "../../../server/articles/listArticles";
import { currentUser } from "../../../server/auth/currentUser";
import { AppHeader } from "../../AppHeader";
import { StoryEditor } from "./StoryEditor";

export const dynamic = "force-dynamic";

export default async function ArticlePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await currentUser();
  if (!user || !isRole(user.role)) redirect(`/login?next=${encodeURIComponent(`/articles/${id}`)}`);
  const db = getDb();
  const found = await findArticleFacts(db, id);
  if (!found) notFound();
  const actor = { id: user.id, role: user.role };
  if (!canReadArticle(actor, found.facts)) notFound();
  const summary = (await getArticleSummary(db, id))!;
  return (
    <>
      <AppHeader user={user} />
      <main className="article-page">
        <nav className="crumbs">
          <Link href="/">← 稿件列表</Link>
        </nav>
        <div className="article-meta">
          <span className={`state state-${summary.state}`}>{ARTICLE_STATE_NAMES_ZH[summary.state]}</span>
          <span className="muted">署名:{formatBylineNames(summary.byline) || "—"}</span>
        </div>
        <StoryEditor
          articleId={id}
          canEdit={canEditArticle(actor, found.facts)}
          user={{ id: user.id, name: user.displayName, color: userColor(user.id) }}
        />
      </main>
    </>
  );
}
