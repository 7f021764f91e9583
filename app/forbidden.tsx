import Link from "next/link";

/** What `forbidden()` shows (HTTP 403): signed in, but this page is not for this account. */
export default function Forbidden() {
  return (
    <main className="login">
      <h1>无权访问</h1>
      <p className="muted">这个页面只对系统管理员开放。</p>
      <Link href="/">返回稿件列表</Link>
    </main>
  );
}
