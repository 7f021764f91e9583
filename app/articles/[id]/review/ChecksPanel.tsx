"use client";

import { useEffect, useState } from "react";
import type * as Y from "yjs";
import type { CheckReport } from "@/server/review/checkReport";
import { ErrorAlert } from "@/app/ErrorAlert";
import { afterQuiet, followStory, onPageReturn } from "./storyStream";
import { sendJson } from "./useCommentThreads";
import { useNewestRead } from "./useNewestRead";

/** How long the text must rest before the checks are asked for again (the save comes first). */
const RECHECK_DELAY_MS = 1200;

const STATUS_ZH = { passed: "通过", warning: "提示", failed: "未通过" } as const;

/**
 * "检查": the machine checks of the saved text, pinned to its content hash, asked for again
 * a moment after every change, and at once when a colleague lets a check through (the story's
 * live channel). An editor may let a failed check through with a reason.
 */
export function ChecksPanel({ articleId, doc, canOverride, live }: { articleId: string; doc: Y.Doc; canOverride: boolean; live: boolean }) {
  const { data: report, error, setError, load } = useNewestRead<CheckReport>(`/api/articles/${articleId}/checks`);
  const [reasons, setReasons] = useState<Record<string, string>>({});

  useEffect(() => {
    const later = afterQuiet(() => void load(), RECHECK_DELAY_MS);
    void load();
    doc.on("update", later);
    // A colleague let a check through (or the state changed), or the stream (re)opened: read
    // again at once. Without the stream (no comment permission), on returning to the page.
    const unfollow = followStory(articleId, ["ready", "review"], () => void load(), live);
    const unreturn = onPageReturn(() => void load());
    return () => {
      doc.off("update", later);
      later.cancel();
      unfollow();
      unreturn();
    };
  }, [articleId, doc, load, live]);

  const override = async (checkId: string) => {
    if (!report) return;
    const failed = await sendJson("POST", `/api/articles/${articleId}/checks/overrides`, {
      checkId,
      contentHash: report.contentHash,
      lexiconVersion: report.lexiconVersion,
      reason: reasons[checkId] ?? "",
    });
    setError(failed);
    // Refused because the text or the lexicon changed meanwhile: show the newest findings.
    await load();
  };

  return (
    <section className="checks-panel" aria-label="检查" data-testid="checks-panel">
      <h2>检查</h2>
      <ErrorAlert message={error} />
      {!report ? (
        <p className="muted">检查中…</p>
      ) : (
        <>
          <p className={report.blocking.length > 0 ? "error" : "chain-ok"} data-testid="checks-verdict">
            {report.blocking.length > 0 ? `有 ${report.blocking.length} 项检查未通过，不能签发` : "检查通过（或已豁免）"}
          </p>
          <ul>
            {report.checks.map((check) => (
              <li key={check.id} className={`check check-${check.status}`} data-testid={`check-${check.id}`} data-status={check.status}>
                <strong>{check.name}</strong>:{check.override ? "已豁免" : STATUS_ZH[check.status]}
                {check.findings.length > 0 && (
                  <ul>
                    {check.findings.map((f, i) => (
                      <li key={i}>
                        {f.message}
                        {f.excerpt && <q className="muted">{f.excerpt}</q>}
                      </li>
                    ))}
                  </ul>
                )}
                {check.override && (
                  <p className="muted">
                    {check.override.by ?? "编辑"} 豁免：{check.override.reason}
                  </p>
                )}
                {canOverride && check.status === "failed" && !check.override && (
                  <div className="check-override">
                    <input
                      value={reasons[check.id] ?? ""}
                      onChange={(e) => setReasons({ ...reasons, [check.id]: e.target.value })}
                      placeholder="豁免理由"
                      aria-label={`${check.name}豁免理由`}
                    />
                    <button type="button" disabled={!reasons[check.id]?.trim()} onClick={() => void override(check.id)}>
                      豁免
                    </button>
                  </div>
                )}
              </li>
            ))}
          </ul>
          <p className="muted">
            内容哈希 <code className="hash">{report.contentHash.slice(0, 12)}</code>
          </p>
        </>
      )}
    </section>
  );
}
