"use client";

import { useState } from "react";

/**
 * The read-only notice with its reason ("你不在这篇稿件的署名中", "稿件待审，只读", "已签发…"), and
 * for a reporter not on the byline a button that asks its members and the desk to add them.
 */
export function ReadOnlyNotice({ articleId, reason, canAskToJoin }: { articleId: string; reason: string; canAskToJoin: boolean }) {
  const [answer, setAnswer] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, setPending] = useState(false);

  const ask = async () => {
    setPending(true);
    try {
      const response = await fetch(`/api/articles/${articleId}/join-requests`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
      setAnswer(response.ok ? { ok: true, text: "已通知署名成员和编辑" } : { ok: false, text: body?.error?.message ?? "申请失败，请重试" });
    } finally {
      setPending(false);
    }
  };

  return (
    <p className="notice read-only-notice" data-testid="read-only-notice">
      <span data-testid="read-only-reason">{reason}</span>
      {canAskToJoin && !answer?.ok && (
        <button type="button" className="secondary small" onClick={() => void ask()} disabled={pending} data-testid="ask-to-join">
          申请加入署名
        </button>
      )}
      {answer && (
        <span role="status" className={answer.ok ? "muted" : "error"} data-testid="ask-to-join-answer">
          {answer.text}
        </span>
      )}
    </p>
  );
}
