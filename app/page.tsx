import Link from "next/link";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { ARTICLE_STATE_NAMES_ZH, ARTICLE_STATES } from "@/newsroom/articleStates";
import { can } from "@/newsroom/policy";
import { withPresence } from "@/server/articles/articleView";
import { searchArticles, type ArticleSearch } from "@/server/articles/searchArticles";
import { actorOf } from "@/server/auth/actorOf";
import { currentUser } from "@/server/auth/currentUser";
import { listEnabledUsers } from "@/server/auth/enabledUsers";
import { setting } from "@/server/env";
import { articleSearchQuery } from "@/server/http/requestSchemas";
import { AppHeader } from "./AppHeader";
import { ArticleCard } from "./ArticleCard";
import { DashboardLiveRefresh } from "./DashboardLiveRefresh";
import { DashboardSearch } from "./DashboardSearch";
import { NewArticleForm } from "./NewArticleForm";

export const dynamic = "force-dynamic";

export const metadata = { title: "稿件 · 红网编辑台" };

/**
 * The dashboard: a column per state; the desk also gets the "待审" queue on top. The search
 * box and filters narrow every column (`GET /?q=&state=&member=`).
 */
export default async function DashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const user = await currentUser();
  if (!user) redirect("/login");
  const db = getDb();
  const maxChars = setting("SEARCH_QUERY_MAX_CHARS");
  const params = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = articleSearchQuery(maxChars).safeParse(params);
  const search: ArticleSearch = parsed.success ? parsed.data : { q: "", state: "", member: "" };
  const found = await searchArticles(db, search);
  const problem = !parsed.success ? (parsed.error.issues[0]?.message ?? "搜索条件不正确") : "error" in found ? found.error : null;
  const articles = withPresence("articles" in found ? found.articles : []);
  const members = (await listEnabledUsers(db)).filter((p) => p.role === "reporter").map((p) => ({ username: p.username, name: p.displayName }));
  const filtering = Boolean(search.q || search.state || search.member);
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
        <DashboardSearch search={search} members={members} maxChars={maxChars} />
        <DashboardLiveRefresh intervalMs={setting("DASHBOARD_REFRESH_MS")} />
        {problem && (
          <p className="error" role="alert" data-testid="search-problem">
            {problem}
          </p>
        )}
        {filtering && !problem && (
          <p className="muted" data-testid="search-count">
            找到 {articles.length} 篇稿件
          </p>
        )}
        {isDesk && !filtering && (
          <section className="review-queue" aria-label="待审" data-testid="review-queue">
            <h2>待审（{waiting.length}）</h2>
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
