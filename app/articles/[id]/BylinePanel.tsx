"use client";

import { useActionState } from "react";
import { formatBylineNames, type BylineAccount } from "@/newsroom/byline";
import { bylineLine } from "@/newsroom/publicationFormat";
import { ErrorAlert } from "@/app/ErrorAlert";
import { useLiveContributions, type Contribution } from "./useLiveContributions";
import { bylineAction, datelineAction, type PanelState } from "./workflowActions";

interface BylinePanelProps {
  articleId: string;
  members: BylineAccount[];
  /** Reporters who could be added. */
  candidates: BylineAccount[];
  /** May add and reorder (the desk, or the reporter who started the story). */
  canChange: boolean;
  /** May take people off (the desk). */
  canRemove?: boolean;
  dateline: string;
  canEditDateline: boolean;
  /** Characters of the current text per person when the page was rendered: who actually wrote the story. */
  contributions: Contribution[];
  /** User id → username of the newsroom's people, for contributions read again later. */
  usernameById: Record<string, string>;
  /** How long after the text rests the contributions are read again, in ms. */
  contributionsRefreshMs: number;
}

/**
 * The byline: who wrote the story, in order. The desk adds, removes and reorders; the reporter
 * who started the story adds and reorders.
 */
export function BylinePanel({
  articleId,
  members,
  candidates,
  canChange,
  canRemove = canChange,
  dateline,
  canEditDateline,
  contributions: renderedContributions,
  usernameById,
  contributionsRefreshMs,
}: BylinePanelProps) {
  const contributions = useLiveContributions(articleId, renderedContributions, usernameById, contributionsRefreshMs);
  const [state, formAction, pending] = useActionState<PanelState, FormData>(bylineAction.bind(null, articleId), {
    error: null,
  });
  const [datelineState, datelineFormAction, datelinePending] = useActionState<PanelState, FormData>(
    datelineAction.bind(null, articleId),
    { error: null },
  );
  const usernames = members.map((m) => m.username);
  const moved = (from: number, to: number) => {
    const order = [...usernames];
    const [item] = order.splice(from, 1);
    order.splice(to, 0, item);
    return order.join(",");
  };
  const addable = candidates.filter((c) => !usernames.includes(c.username));
  const suggested = contributions.filter((c) => c.username && addable.some((a) => a.username === c.username));
  return (
    <section className="byline-panel" aria-label="署名">
      <h2>署名</h2>
      <p data-testid="byline">{formatBylineNames(members) || "（暂无署名）"}</p>
      {contributions.length > 0 && (
        <p className="muted contributions" data-testid="contributions">
          写作贡献：{contributions.map((c) => `${c.name} ${c.chars} 字`).join("，")}
        </p>
      )}
      <p className="muted byline-preview">{bylineLine(members, dateline)}</p>
      {canEditDateline && (
        <form action={datelineFormAction} className="add-member">
          <label>
            电头 <input name="dateline" defaultValue={datelineState.note ?? dateline} size={8} aria-label="电头" />
          </label>
          <button type="submit" className="small" disabled={datelinePending}>
            保存电头
          </button>
        </form>
      )}
      <ErrorAlert message={datelineState.error} />
      {canChange && (
        <>
          <ol className="members">
            {members.map((m, i) => (
              <li key={m.username}>
                {m.label} {m.name}
                <form action={formAction}>
                  <input type="hidden" name="kind" value="reorder" />
                  <input type="hidden" name="order" value={moved(i, Math.max(0, i - 1))} />
                  <button type="submit" className="small" disabled={pending || i === 0} aria-label={`上移 ${m.name}`}>
                    ↑
                  </button>
                </form>
                {canRemove && (
                  <form action={formAction}>
                    <input type="hidden" name="kind" value="remove" />
                    <input type="hidden" name="username" value={m.username} />
                    <button type="submit" className="small" disabled={pending} aria-label={`移除 ${m.name}`}>
                      移除
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ol>
          {suggested.length > 0 && (
            <div className="suggestions" data-testid="byline-suggestions">
              <span className="muted">按实际写作建议署名：</span>
              {suggested.map((c) => (
                <form key={c.username} action={formAction}>
                  <input type="hidden" name="kind" value="add" />
                  <input type="hidden" name="username" value={c.username!} />
                  <button type="submit" className="small" disabled={pending}>
                    + {c.name}（{c.chars} 字）
                  </button>
                </form>
              ))}
            </div>
          )}
          {addable.length > 0 && (
            <form action={formAction} className="add-member">
              <input type="hidden" name="kind" value="add" />
              <select name="username" aria-label="添加署名">
                {addable.map((c) => (
                  <option key={c.username} value={c.username}>
                    {c.name}({c.label})
                  </option>
                ))}
              </select>
              <select name="label" aria-label="署名身份" defaultValue="">
                <option value="">按本人身份</option>
                <option value="记者">记者</option>
                <option value="通讯员">通讯员</option>
              </select>
              <button type="submit" disabled={pending}>
                添加署名
              </button>
            </form>
          )}
        </>
      )}
      <ErrorAlert message={state.error} />
    </section>
  );
}
