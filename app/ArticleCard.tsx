import Link from "next/link";
import { formatBylineNames } from "@/newsroom/byline";
import { formatShortTime } from "@/newsroom/timeFormat";
import type { ArticleView } from "@/server/articles/articleView";

/** One story on the dashboard: title, byline, last edit, who is in it, the editor's note. */
export function ArticleCard({ article }: { article: ArticleView }) {
  return (
    <div className="card" data-article-id={article.id}>
      <Link href={`/articles/${article.id}`}>{article.title || "（无标题）"}</Link>
      <div className="meta">{formatBylineNames(article.byline) || "暂无署名"}</div>
      <div className="meta">
        {formatShortTime(article.updatedAt)}
        {article.lastEditedBy && ` · ${article.lastEditedBy.name}`}
      </div>
      {article.present.length > 0 && (
        <div className="meta">
          正在编辑：
          {article.present.map((p) => (
            <span key={p.id} className="presence-chip" style={{ borderColor: p.color, color: p.color }}>
              {p.name}
            </span>
          ))}
        </div>
      )}
      {article.state === "changes_requested" && article.changesNote && (
        <div className="note" data-testid="card-changes-note">
          退回意见：{article.changesNote}
        </div>
      )}
    </div>
  );
}
