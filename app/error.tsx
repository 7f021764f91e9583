"use client";

import Link from "next/link";
import { useEffect } from "react";

/** A page that failed on the server or in the browser: said in Chinese, with a retry. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    document.title = "出错了 · 红网编辑台";
    console.error(error);
  }, [error]);
  return (
    <main className="status-page" data-testid="error-page">
      <h1>出错了</h1>
      <p>页面加载失败，请稍后重试。{error.digest ? `（错误编号：${error.digest}）` : ""}</p>
      <p className="status-actions">
        <button type="button" onClick={() => reset()}>
          重试
        </button>
        <Link href="/">返回稿件列表</Link>
      </p>
    </main>
  );
}
