"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { shortHash } from "@/newsroom/reviewLevels";
import { formatShortTime } from "@/newsroom/timeFormat";
import type { SignoffStatus, SignoffView } from "@/server/review/signoffStatus";
import { DiffView } from "../history/DiffView";
import type { DiffResponse } from "../history/historyTypes";
import { afterQuiet, followStory } from "./storyStream";
import { errorMessage, sendJson } from "./useCommentThreads";
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
      {error && <p role="alert" className="error">{error}</p>}
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
  const [status, setStatus] = useState<SignoffStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // Reads overlap (the stream, text at rest, focus): only the newest one started may show.
  const latest = useRef(0);
  const load = useCallback(async () => {
    const mine = ++latest.current;
    const response = await fetch(`/api/articles/${articleId}/signoffs`);
    const answer = response.ok ? ((await response.json()) as SignoffStatus) : await errorMessage(response);
    if (mine !== latest.current) return;
    if (typeof answer === "string") return setError(answer);
    setError(null);
    setStatus(answer);
  }, [articleId]);

  useEffect(() => {
    void load();
    // Live: a colleague signs (or the state changes) → the stream says "review"; the text changes
    // (here or by a colleague, so a sign-off may have gone stale) → read once the text rests.
    // Without comment permission no stream is opened (it requires it): text at rest and focus remain.
    const unfollowReview = followStory(articleId, ["ready", "review"], () => void load(), live);
    const later = afterQuiet(() => void load(), RELOAD_AFTER_TEXT_MS);
    const unfollowText = followStory(articleId, ["text"], later);
    // A stream that was away (a sleeping laptop) may have missed events: read again on return.
    const again = () => document.visibilityState === "visible" && void load();
    document.addEventListener("visibilitychange", again);
    window.addEventListener("focus", again);
    return () => {
      unfollowReview();
      unfollowText();
      later.cancel();
      document.removeEventListener("visibilitychange", again);
      window.removeEventListener("focus", again);
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
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {status.mineStale.map((signoff) => (
        <ChangesSince key={signoff.id} articleId={articleId} signoff={signoff} />
      ))}
    </section>
  );
}
