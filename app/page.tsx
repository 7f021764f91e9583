import Link from "next/link";
import { redirect } from "next/navigation";
import { getDb } from "../db/client";
import { ARTICLE_STATE_NAMES_ZH } from "../newsroom/articleStates";
import { formatBylineNames } from "../newsroom/byline";
import { formatShortTime } from "../newsroom/timeFormat";
import { withPresence } from "../server/articles/articleView";
import { listArticles } from "../server/articles/listArticles";
import { currentUser } from "../server/auth/currentUser";
import { AppHeader } from "./AppHeader";
import { NewArticleForm } from "./NewArticleForm";

export const dynamic = "force-dynamic";

/** The dashboard: every story, its state, byline, last edit and who is in it now. */
export default async function DashboardPage() {
  const user = await currentUser();
  if (!user) redirect("/login");
  const articles = withPresence(await listArticles(getDb()));
  return (
    <>
      <AppHeader user={user} />
      <main className="dashboard">
        <div className="dashboard-head">
          <h1>稿件</h1>
          <NewArticleForm />
        </div>
        {articles.length === 0 ? (
          <p className="muted">还没有稿件。输入标题,点击“新建稿件”开始写作。</p>
        ) : (
          <table className="articles">
            <thead>
              <tr>
                <th>标题</th>
                <th>状态</th>
                <th>署名</th>
                <th>最后编辑</th>
                <th>正在编辑</th>
              </tr>
            </thead>
            <tbody>
              {articles.map((article) => (
                <tr key={article.id} data-article-id={article.id}>
                  <td>
                    <Link href={`/articles/${article.id}`}>{article.title || "(无标题)"}</Link>
                  </td>
                  <td>
                    <span className={`state state-${article.state}`}>{ARTICLE_STATE_NAMES_ZH[article.state]}</span>
                  </td>
                  <td>{formatBylineNames(article.byline) || "—"}</td>
                  <td>
                    {formatShortTime(article.updatedAt)}
                    {article.lastEditedBy && <span className="muted"> · {article.lastEditedBy.name}</span>}
                  </td>
                  <td>
                    {article.present.length === 0 ? (
                      <span className="muted">—</span>
                    ) : (
                      article.present.map((p) => (
                        <span key={p.id} className="presence-chip" style={{ borderColor: p.color, color: p.color }}>
                          {p.name}
                        </span>
                      ))
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
    </>
  );
}
