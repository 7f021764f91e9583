import Link from "next/link";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { ARTICLE_STATE_NAMES_ZH, ARTICLE_STATES } from "@/newsroom/articleStates";
import { can } from "@/newsroom/policy";
import { withPresence } from "@/server/articles/articleView";
import { listArticles } from "@/server/articles/listArticles";
import { actorOf } from "@/server/auth/actorOf";
import { currentUser } from "@/server/auth/currentUser";
import { AppHeader } from "./AppHeader";
import { ArticleCard } from "./ArticleCard";
import { NewArticleForm } from "./NewArticleForm";

export const dynamic = "force-dynamic";

/** The dashboard: a column per state; the desk also gets the "待审" queue on top. */
export default async function DashboardPage() {
  const user = await currentUser();
  if (!user) redirect("/login");
  const articles = withPresence(await listArticles(getDb()));
  const isDesk = can(actorOf(user), "review");
  const waiting = articles.filter((a) => a.state === "submitted");
  return (
    <>
      <AppHeader user={user} />
      <main className="dashboard">
        <div className="dashboard-head">
          <h1>稿件</h1>
          <NewArticleForm />
          <Link href="/articles/import" className="import-link" data-testid="import-link">
            导入稿件
          </Link>
        </div>
        {isDesk && (
          <section className="review-queue" aria-label="待审" data-testid="review-queue">
            <h2>待审({waiting.length})</h2>
            {waiting.length === 0 ? (
              <p className="muted">没有等待审核的稿件。</p>
            ) : (
              waiting.map((article) => <ArticleCard key={article.id} article={article} />)
            )}
          </section>
        )}
        <div className="board">
          {ARTICLE_STATES.map((state) => {
            const inState = articles.filter((a) => a.state === state);
            return (
              <section key={state} className="column" aria-label={ARTICLE_STATE_NAMES_ZH[state]} data-state={state}>
                <h2>
                  <span>{ARTICLE_STATE_NAMES_ZH[state]}</span>
                  <span>{inState.length}</span>
                </h2>
                {inState.map((article) => (
                  <ArticleCard key={article.id} article={article} />
                ))}
              </section>
            );
          })}
        </div>
      </main>
    </>
  );
}
