"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { shortHash } from "@/newsroom/reviewLevels";
import { formatShortTime } from "@/newsroom/timeFormat";
import type { SignoffStatus, SignoffView } from "@/server/review/signoffStatus";
import { ErrorAlert } from "@/app/ErrorAlert";
import { DiffView } from "../history/DiffView";
import type { DiffResponse } from "../history/historyTypes";
import { afterQuiet, followStory, onPageReturn } from "./storyStream";
import { errorMessage, sendJson } from "./useCommentThreads";
import { useNewestRead } from "./useNewestRead";
import "./reviewLevels.css";

/** How long the text must rest before the levels are read again (the save comes first). */
const RELOAD_AFTER_TEXT_MS = 1200;

/** Who signed, when and on which text (short hash). */
function Signed({ signoff }: { signoff: SignoffView }) {
  return (
    <span className="muted">
      {signoff.signer?.name ?? "未知"} · {formatShortTime(signoff.signedAt)} · <code title={signoff.contentHash}>{shortHash(signoff.contentHash)}</code>
    </span>
  );
}

/** "自签署以来的修改": only what changed since this person signed, each change with its writer. */
function ChangesSince({ articleId, signoff }: { articleId: string; signoff: SignoffView }) {
  const [diff, setDiff] = useState<DiffResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const toggle = async () => {
    if (open) return setOpen(false);
    setOpen(true);
    const response = await fetch(`/api/articles/${articleId}/signoffs/${signoff.id}/changes`);
    if (!response.ok) return setError(await errorMessage(response));
    setError(null);
    setDiff((await response.json()) as DiffResponse);
  };
  return (
    <div className="since-signed" data-testid="changes-since-signed">
      <button type="button" onClick={() => void toggle()} data-testid="changes-since-button">
        自签署以来的修改（{signoff.level}）
      </button>
      <ErrorAlert message={error} />
      {open && diff && <DiffView diff={diff} mode="inline" />}
    </div>
  );
}

/**
 * The story's review levels (三审): who signed each, when and on which text; the sign-offs the
 * text has changed since (需重新签); a 签署 button for the next level this person may sign, and
 * for a signer whose sign-off went stale, what changed since. Hidden while the newsroom keeps
 * the default single level (签发 signs it). Live: colleagues' sign-offs arrive over the story's
 * event stream, and an edit (anyone's) makes the panel read again once the text rests.
 */
export function ReviewLevelsPanel({ articleId, live }: { articleId: string; live: boolean }) {
  const router = useRouter();
  const { data: status, error, setError, load } = useNewestRead<SignoffStatus>(`/api/articles/${articleId}/signoffs`);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    void load();
    // Live: a colleague signs (or the state changes) → the stream says "review"; the text changes
    // (here or by a colleague, so a sign-off may have gone stale) → read once the text rests.
    // Without comment permission no stream is opened (it requires it): text at rest and focus remain.
    const unfollowReview = followStory(articleId, ["ready", "review"], () => void load(), live);
    const later = afterQuiet(() => void load(), RELOAD_AFTER_TEXT_MS);
    const unfollowText = followStory(articleId, ["text"], later);
    const unreturn = onPageReturn(() => void load());
    return () => {
      unfollowReview();
      unfollowText();
      later.cancel();
      unreturn();
    };
  }, [articleId, load, live]);

  if (!status || status.isDefault || status.contentHash === null) return null;
  const contentHash = status.contentHash;
  const sign = async (level: string) => {
    setPending(true);
    const failed = await sendJson("POST", `/api/articles/${articleId}/signoffs`, { level, contentHash });
    setPending(false);
    setError(failed);
    await load();
    if (!failed) router.refresh(); // the audit timeline shows the sign-off
  };

  return (
    <section className="review-levels" aria-label="审级签署" data-testid="review-levels">
      <h2>
        三审签署 <span className="muted">当前内容 <code title={contentHash}>{shortHash(contentHash)}</code></span>
      </h2>
      <ol>
        {status.levels.map((level) => (
          <li key={level.position} className={`level-${level.status}`} data-testid={`level-${level.position}`} data-status={level.status}>
            <strong>{level.name}</strong>:
            {level.status === "unsigned" && (
              <span className="muted">
                待签署（
                {level.signers === "editors" ? "任何编辑" : level.signers.map((p) => p.name).join("、")}）
              </span>
            )}
            {level.signoff && <Signed signoff={level.signoff} />}
            {level.status === "stale" && <span className="stale-mark">需重新签</span>}
          </li>
        ))}
      </ol>
      {status.canSign && (
        <button type="button" disabled={pending} onClick={() => void sign(status.canSign!)} data-testid="signoff-button">
          签署“{status.canSign}”
        </button>
      )}
      <ErrorAlert message={error} />
      {status.mineStale.map((signoff) => (
        <ChangesSince key={signoff.id} articleId={articleId} signoff={signoff} />
      ))}
    </section>
  );
}
