import Link from "next/link";

export const metadata = { title: "页面不存在 · 红网编辑台" };

/** Unknown paths and ids: said in Chinese, with the way back (Next's default is English). */
export default function NotFound() {
  return (
    <main className="status-page" data-testid="not-found">
      <h1>404</h1>
      <p>没有找到这个页面，或这篇稿件不存在。</p>
      <p>
        <Link href="/">返回稿件列表</Link>
      </p>
    </main>
  );
}
