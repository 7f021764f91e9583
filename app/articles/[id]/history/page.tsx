import { getDb } from "@/db/client";
import { ARTICLE_ID_PATTERN } from "@/server/articles/articleFacts";
import { getArticleSummary } from "@/server/articles/listArticles";
import { currentUser } from "@/server/auth/currentUser";
import { can } from "@/newsroom/policy";
import { articlePageAccess } from "@/server/http/articlePageAccess";
import { peopleOfRevisions, revisionView } from "@/server/history/revisionView";
import { listRevisions, logLength, peopleById } from "@/server/history/versionQueries";
import { AppHeader } from "@/app/AppHeader";
import { BackCrumb } from "@/app/BackCrumb";
import { HistoryView } from "./HistoryView";

export const dynamic = "force-dynamic";

/** The tab's title names the story whose history it is. */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // Only a signed-in person learns the title (the page itself sends anyone else to sign in).
  const signedIn = ARTICLE_ID_PATTERN.test(id) && (await currentUser()) !== null;
  const summary = signedIn ? await getArticleSummary(getDb(), id) : null;
  return { title: summary ? `历史版本：${summary.title || "无标题"} · 红网编辑台` : "红网编辑台" };
}

/** "历史版本": every version, comparisons with authors, time travel, restore. */
export default async function HistoryPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { user, actor, article, facts } = await articlePageAccess(id, `/articles/${id}/history`);
  const db = getDb();
  const revisions = await listRevisions(db, id);
  const people = await peopleById(db, peopleOfRevisions(revisions));
  return (
    <>
      <AppHeader user={user} />
      <main className="history-page">
        <BackCrumb href={`/articles/${id}`} label="返回稿件" />
        <h1>历史版本：{article.title || "（无标题）"}</h1>
        <HistoryView
          articleId={id}
          revisions={revisions.map((r) => revisionView(r, people))}
          logLength={await logLength(db, id)}
          canRestore={can(actor, "restore", facts)}
          canSave={can(actor, "saveVersion", facts)}
        />
      </main>
    </>
  );
}
