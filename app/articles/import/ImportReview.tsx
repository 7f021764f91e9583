"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import type { BylineAccount } from "@/newsroom/byline";
import {
  importedBlocksToStory,
  parsePlainTextStory,
  type ImportedBlock,
  type ImportedBlockKind,
  type ImportedStory,
} from "@/newsroom/plainTextImport";
import { ErrorAlert } from "@/app/ErrorAlert";

const KIND_NAMES: Record<ImportedBlockKind, string> = { paragraph: "段落", heading: "小标题", caption: "图注" };

/**
 * The import page's work: the text in (pasted or from a .txt file), the parsed draft shown for
 * review (title, byline matched to accounts, dateline, each block's kind changeable), then
 * "创建稿件" creates it and opens the editor.
 */
export function ImportReview({ reporters, maxCharacters }: { reporters: BylineAccount[]; maxCharacters: number }) {
  const router = useRouter();
  const [source, setSource] = useState("");
  const [draft, setDraft] = useState<ImportedStory | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const byName = useMemo(() => new Map(reporters.map((r) => [r.name, r])), [reporters]);

  const review = (text: string) => {
    setError(null);
    if (text.length > maxCharacters) {
      setError(`稿件过长：最多 ${maxCharacters.toLocaleString("en-US")} 个字符`);
      return;
    }
    const parsed = parsePlainTextStory(text);
    if (!parsed.title) {
      setError("没有读到内容：第一行应是标题");
      return;
    }
    setDraft(parsed);
  };

  const readFile = async (file: File | undefined) => {
    if (!file) return;
    const text = await file.text();
    setSource(text);
    review(text);
  };

  const setBlock = (index: number, block: ImportedBlock) =>
    setDraft((d) => d && { ...d, blocks: d.blocks.map((b, i) => (i === index ? block : b)) });

  const create = async () => {
    if (!draft) return;
    setCreating(true);
    setError(null);
    const members = draft.members.flatMap((m) => {
      const account = byName.get(m.name);
      return account ? [{ username: account.username, label: m.label }] : [];
    });
    const response = await fetch("/api/articles/import", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: draft.title, dateline: draft.dateline, members, body: importedBlocksToStory(draft.blocks) }),
    }).catch(() => null);
    const body = (await response?.json().catch(() => null)) as { id?: string; error?: { message: string } } | null;
    if (!response?.ok || !body?.id) {
      setCreating(false);
      setError(`创建失败：${body?.error?.message ?? "网络连接中断，请重试"}`);
      return;
    }
    router.push(`/articles/${body.id}`);
  };

  return (
    <div className="import-review">
      <section className="import-source">
        <label htmlFor="import-text">稿件全文</label>
        <textarea id="import-text" rows={8} value={source} onChange={(e) => setSource(e.target.value)} data-testid="import-text" placeholder="在此粘贴稿件全文" />
        <div className="import-actions">
          <button type="button" onClick={() => review(source)} data-testid="import-parse">
            解析预览
          </button>
          <label className="file-button">
            选择文本文件（.txt）
            <input type="file" accept=".txt,text/plain" hidden onChange={(e) => void readFile(e.target.files?.[0])} data-testid="import-file" />
          </label>
        </div>
      </section>
      <ErrorAlert message={error} />
      {draft && (
        <section className="import-preview" aria-label="导入预览" data-testid="import-preview">
          <h2>预览</h2>
          <label className="import-field">
            标题
            <input value={draft.title} onChange={(e) => setDraft({ ...draft, title: e.target.value })} data-testid="import-title" />
          </label>
          <div className="import-field">
            署名
            <ul className="import-byline" data-testid="import-byline">
              {draft.members.length === 0 && <li className="muted">没有读到署名行</li>}
              {draft.members.map((member) => {
                const account = byName.get(member.name);
                return (
                  <li key={member.name} className={account ? undefined : "unmatched"}>
                    <span className="label">{member.label}</span> {member.name}
                    {!account && <span className="muted">（没有这个账号，不会列入署名）</span>}
                  </li>
                );
              })}
            </ul>
          </div>
          <label className="import-field">
            电头
            <input value={draft.dateline ?? ""} onChange={(e) => setDraft({ ...draft, dateline: e.target.value || null })} data-testid="import-dateline" />
          </label>
          <ol className="import-blocks" data-testid="import-blocks">
            {draft.blocks.map((block, index) => (
              <li key={index} className={`import-block kind-${block.kind}`} data-kind={block.kind}>
                <select
                  aria-label={`第 ${index + 1} 段的类型`}
                  value={block.kind}
                  onChange={(e) => setBlock(index, { ...block, kind: e.target.value as ImportedBlockKind })}
                >
                  {(Object.keys(KIND_NAMES) as ImportedBlockKind[]).map((kind) => (
                    <option key={kind} value={kind}>
                      {KIND_NAMES[kind]}
                    </option>
                  ))}
                </select>
                <span className="import-block-text">{block.text}</span>
              </li>
            ))}
          </ol>
          {draft.droppedFooter.length > 0 && (
            <div className="import-dropped" data-testid="import-dropped">
              <p className="muted">以下页脚由系统生成，导入时略去：</p>
              <pre>{draft.droppedFooter.join("\n")}</pre>
            </div>
          )}
          <p className="muted">图注会成为“待补图片”的位置，打开稿件后逐一上传照片。</p>
          <button type="button" className="primary" onClick={() => void create()} disabled={creating || !draft.title.trim()} data-testid="import-create">
            {creating ? "创建中…" : "创建稿件"}
          </button>
        </section>
      )}
    </div>
  );
}
