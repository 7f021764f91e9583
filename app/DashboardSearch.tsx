import Link from "next/link";
import { ARTICLE_STATE_NAMES_ZH, ARTICLE_STATES } from "@/newsroom/articleStates";
import type { ArticleSearch } from "@/server/articles/searchArticles";

/**
 * The dashboard's search box and filters: a plain GET form, so a search is a link that can be
 * shared and the browser's back button works.
 */
export function DashboardSearch({
  search,
  members,
  maxChars,
}: {
  search: ArticleSearch;
  members: { username: string; name: string }[];
  maxChars: number;
}) {
  const filtering = Boolean(search.q || search.state || search.member);
  return (
    <form className="dashboard-search" role="search" action="/" method="get" data-testid="dashboard-search">
      <input
        type="search"
        name="q"
        defaultValue={search.q}
        maxLength={maxChars}
        placeholder="搜索标题或正文"
        aria-label="搜索标题或正文"
      />
      <select name="state" defaultValue={search.state} aria-label="按状态筛选">
        <option value="">全部状态</option>
        {ARTICLE_STATES.map((state) => (
          <option key={state} value={state}>
            {ARTICLE_STATE_NAMES_ZH[state]}
          </option>
        ))}
      </select>
      <select name="member" defaultValue={search.member} aria-label="按署名筛选">
        <option value="">全部署名</option>
        {members.map((m) => (
          <option key={m.username} value={m.username}>
            {m.name}
          </option>
        ))}
      </select>
      <button type="submit">搜索</button>
      {filtering && (
        <Link href="/" className="clear-search">
          清除
        </Link>
      )}
    </form>
  );
}
