"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "./adminApi";

/** A level as the form edits it: its name and its signers' usernames, or any editor. */
interface LevelDraft {
  name: string;
  anyEditor: boolean;
  signers: string[];
}

interface Props {
  /** The configured levels (empty: the default single level is in force). */
  levels: { name: string; signers: "editors" | { username: string; name: string }[] }[];
  /** Enabled editors and admins: who may be listed as a signer. */
  editors: { username: string; name: string }[];
}

const draftOf = (level: Props["levels"][number]): LevelDraft =>
  level.signers === "editors"
    ? { name: level.name, anyEditor: true, signers: [] }
    : { name: level.name, anyEditor: false, signers: level.signers.map((s) => s.username) };

/**
 * 审级设置 (三审): the levels in order and who may sign each. Saved as a whole; no levels means
 * the default: one level, signed by the editor's 签发.
 */
export function ReviewLevelsForm({ levels, editors }: Props) {
  const router = useRouter();
  const [drafts, setDrafts] = useState<LevelDraft[]>(levels.map(draftOf));
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [pending, setPending] = useState(false);
  const change = (i: number, patch: Partial<LevelDraft>) => setDrafts(drafts.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  const toggleSigner = (i: number, username: string) => {
    const signers = drafts[i].signers.includes(username) ? drafts[i].signers.filter((u) => u !== username) : [...drafts[i].signers, username];
    change(i, { signers });
  };

  async function save() {
    setPending(true);
    const result = await callApi("PUT", "/api/admin/review-levels", {
      levels: drafts.map((d) => ({ name: d.name.trim(), signers: d.anyEditor ? "editors" : d.signers })),
    });
    setPending(false);
    setMessage(result.ok ? { error: false, text: "审级已保存" } : { error: true, text: result.message });
    if (result.ok) router.refresh();
  }

  return (
    <div className="review-levels-form" data-testid="review-levels-form">
      {drafts.length === 0 && <p className="muted">未设置审级：每篇稿件由编辑“签发”即完成签署。</p>}
      <ol>
        {drafts.map((draft, i) => (
          <li key={i} data-testid="review-level-row">
            <label>
              名称
              <input value={draft.name} onChange={(e) => change(i, { name: e.target.value })} data-testid="review-level-name" />
            </label>
            <label>
              <input type="checkbox" checked={draft.anyEditor} onChange={(e) => change(i, { anyEditor: e.target.checked })} />
              任何编辑
            </label>
            {!draft.anyEditor &&
              editors.map((editor) => (
                <label key={editor.username}>
                  <input
                    type="checkbox"
                    checked={draft.signers.includes(editor.username)}
                    onChange={() => toggleSigner(i, editor.username)}
                    data-testid={`review-level-signer-${editor.username}`}
                  />
                  {editor.name}
                </label>
              ))}
            <button type="button" onClick={() => setDrafts(drafts.filter((_, j) => j !== i))}>
              删除此级
            </button>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => setDrafts([...drafts, { name: "", anyEditor: false, signers: [] }])} data-testid="review-level-add">
        添加审级
      </button>{" "}
      <button type="button" onClick={() => void save()} disabled={pending} data-testid="review-levels-save">
        保存审级
      </button>
      {message && (
        <p role={message.error ? "alert" : "status"} className={message.error ? "error" : "muted"}>
          {message.text}
        </p>
      )}
    </div>
  );
}
