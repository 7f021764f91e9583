"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { formatShortTime } from "@/newsroom/timeFormat";
import { ErrorAlert } from "@/app/ErrorAlert";
import { DiffView } from "./DiffView";
import type { DiffResponse, MomentResponse, RevisionItem } from "./historyTypes";

interface HistoryViewProps {
  articleId: string;
  revisions: RevisionItem[];
  logLength: number;
  canRestore: boolean;
  canSave: boolean;
}

async function readJson<T>(response: Response): Promise<T> {
  const body = await response.json();
  if (!response.ok) throw new Error(body?.error?.message ?? `请求失败（${response.status}）`);
  return body as T;
}

/** The history page: version list, compare any two, time travel, save and restore. */
export function HistoryView({ articleId, revisions, logLength, canRestore, canSave }: HistoryViewProps) {
  const router = useRouter();
  const api = `/api/articles/${articleId}`;
  const [from, setFrom] = useState<string>(revisions[1] ? String(revisions[1].id) : revisions[0] ? String(revisions[0].id) : "live");
  const [to, setTo] = useState<string>("live");
  const [mode, setMode] = useState<"inline" | "split">("inline");
  const [diff, setDiff] = useState<DiffResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [versionName, setVersionName] = useState("");
  /** What the last action did, said once it succeeded (a restore used to look failed). */
  const [done, setDone] = useState<string | null>(null);
  /** Bumped after an action so the comparison is read again: "live" changed under it. */
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setDiff(null);
    fetch(`${api}/diff?from=${from}&to=${to}`)
      .then((r) => readJson<DiffResponse>(r))
      .then((d) => !cancelled && setDiff(d))
      .catch((err: Error) => !cancelled && setError(err.message));
    return () => {
      cancelled = true;
    };
  }, [api, from, to, generation]);

  const post = async (path: string, body?: unknown, success?: string) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await readJson(
        await fetch(`${api}${path}`, {
          method: "POST",
          headers: body ? { "content-type": "application/json" } : {},
          body: body ? JSON.stringify(body) : undefined,
        }),
      );
      router.refresh();
      setGeneration((g) => g + 1);
      if (success) setDone(success);
      return true;
    } catch (err) {
      setError((err as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const label = (r: RevisionItem) => `${formatShortTime(r.createdAt)} ${r.name ?? r.kindName}`;
  const options = [
    <option key="live" value="live">
      当前草稿
    </option>,
    ...revisions.map((r) => (
      <option key={r.id} value={String(r.id)}>
        {label(r)}
      </option>
    )),
  ];

  return (
    <div className="history">
      <ErrorAlert message={error} />
      {done && (
        <p role="status" className="success" data-testid="history-done">
          {done}
        </p>
      )}
      <div className="history-columns">
        <section className="version-list" aria-label="版本列表">
          {canSave && (
            <form
              className="save-version"
              onSubmit={async (event) => {
                event.preventDefault();
                if (await post("/revisions", { name: versionName })) setVersionName("");
              }}
            >
              <input value={versionName} onChange={(e) => setVersionName(e.target.value)} placeholder="版本名称" aria-label="版本名称" required maxLength={100} />
              <button type="submit" disabled={busy}>
                保存版本
              </button>
            </form>
          )}
          {revisions.length === 0 && <p className="muted">还没有版本。停笔片刻后会自动保存一个版本。</p>}
          <ol data-testid="version-list">
            {revisions.map((r) => (
              <li key={r.id} className={String(r.id) === from || String(r.id) === to ? "selected" : undefined}>
                <div>
                  <strong>{r.name ?? r.kindName}</strong> {r.name && <span className="muted">{r.kindName}</span>}
                </div>
                <div className="muted">
                  {formatShortTime(r.createdAt)} · {r.editors.map((e) => e?.name).filter(Boolean).join("、") || r.createdBy?.name || "—"}
                </div>
                <div>
                  <span className="added">+{r.charsAdded}</span> <span className="removed">−{r.charsRemoved}</span> 字
                </div>
                <div className="version-actions">
                  <button type="button" className="small" onClick={() => setFrom(String(r.id))}>
                    设为起点
                  </button>
                  <button type="button" className="small" onClick={() => setTo(String(r.id))}>
                    设为终点
                  </button>
                  {canRestore && (
                    <button
                      type="button"
                      className="small"
                      disabled={busy}
                      onClick={() => window.confirm(`把草稿恢复为“${r.name ?? label(r)}”吗？当前内容会作为历史保留。`) && post(`/revisions/${r.id}/restore`, undefined, `已恢复为“${r.name ?? label(r)}”，当前草稿已更新；恢复前的内容仍保留在历史中。`)}
                    >
                      恢复此版本
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ol>
        </section>
        <div className="history-main">
        {/* Above the diff: a long diff must not push the slider out of sight. */}
        <TimeTravel api={api} total={logLength} />
        <section className="compare" aria-label="版本对比">
          <div className="compare-controls">
            <label>
              从 <select value={from} onChange={(e) => setFrom(e.target.value)} aria-label="对比起点">{options}</select>
            </label>
            <label>
              到 <select value={to} onChange={(e) => setTo(e.target.value)} aria-label="对比终点">{options}</select>
            </label>
            <div className="mode">
              <button type="button" className={`small${mode === "inline" ? " active" : ""}`} onClick={() => setMode("inline")}>
                行内对比
              </button>
              <button type="button" className={`small${mode === "split" ? " active" : ""}`} onClick={() => setMode("split")}>
                并排对比
              </button>
            </div>
          </div>
          {diff ? <DiffView diff={diff} mode={mode} /> : <p className="muted">正在对比…</p>}
        </section>
        </div>
      </div>
    </div>
  );
}

/** A slider over every logged change: the story as it was at that moment. */
function TimeTravel({ api, total }: { api: string; total: number }) {
  const [index, setIndex] = useState(Math.max(0, total - 1));
  const [moment, setMoment] = useState<MomentResponse | null>(null);
  useEffect(() => {
    if (total === 0) return;
    const timer = setTimeout(() => {
      fetch(`${api}/moments?index=${index}`)
        .then((r) => r.json())
        .then((m: MomentResponse) => setMoment(m))
        .catch(() => setMoment(null));
    }, 150);
    return () => clearTimeout(timer);
  }, [api, index, total]);
  if (total === 0) return null;
  return (
    <section className="time-travel" aria-label="时间回溯">
      <h2>时间回溯</h2>
      <input
        type="range"
        min={0}
        max={total - 1}
        value={index}
        onChange={(e) => setIndex(Number(e.target.value))}
        aria-label="时间回溯"
        data-testid="time-slider"
      />
      <p className="muted">
        第 {index + 1} / {total} 次改动
        {moment?.at && ` · ${formatShortTime(moment.at)}`}
        {moment?.by && ` · ${moment.by.name}`}
      </p>
      {moment && (
        <article className="moment" data-testid="moment">
          <h3>{moment.title || "（无标题）"}</h3>
          {/* The public page's renderer (a whitelist of tags and attributes): headings and photos as they were. */}
          <div className="moment-body" dangerouslySetInnerHTML={{ __html: moment.html }} />
        </article>
      )}
    </section>
  );
}
