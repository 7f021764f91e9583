"use client";

import type { DiffResponse, Span } from "./historyTypes";

const BLOCK_NAMES: Record<string, string> = { heading: "小标题", figure: "图注", paragraph: "段落" };

function SpanView({ span, people }: { span: Span; people: DiffResponse["people"] }) {
  const person = span.author ? people[span.author] : undefined;
  const name = person?.name ?? "系统";
  if (span.kind === "same") return <span>{span.text}</span>;
  const Tag = span.kind === "ins" ? "ins" : "del";
  return (
    <Tag
      className={`diff-${span.kind}`}
      style={{ borderColor: person?.color, backgroundColor: `${person?.color ?? "#888888"}22` }}
      title={`${span.kind === "ins" ? "插入" : "删除"}:${name}`}
      data-author={name}
    >
      {span.text}
    </Tag>
  );
}

/** Inline: one text with insertions and deletions marked. Side by side: old and new per block. */
export function DiffView({ diff, mode }: { diff: DiffResponse; mode: "inline" | "split" }) {
  const titleChanged = diff.title.some((s) => s.kind !== "same");
  const side = (spans: Span[], keep: "ins" | "del") => spans.filter((s) => s.kind === "same" || s.kind === keep);
  return (
    <div className="diff" data-testid="diff">
      <div className="diff-authors" data-testid="diff-authors">
        {diff.authors.length === 0 ? (
          <span className="muted">两个版本之间没有改动。</span>
        ) : (
          diff.authors.map((a) => (
            <span key={a.id} className="presence-chip" style={{ borderColor: a.color, color: a.color }}>
              {a.name} +{a.inserted} −{a.deleted}
            </span>
          ))
        )}
      </div>
      {titleChanged && (
        <div className="diff-block diff-title">
          <span className="block-label">标题</span>
          {diff.title.map((s, i) => (
            <SpanView key={i} span={s} people={diff.people} />
          ))}
        </div>
      )}
      {diff.blocks.map((block, i) => {
        const label = BLOCK_NAMES[block.type] ?? block.type;
        const className = `diff-block status-${block.status} block-${block.type}`;
        if (mode === "inline") {
          return (
            <div key={i} className={className}>
              {block.type !== "paragraph" && <span className="block-label">{label}</span>}
              {block.spans.map((s, j) => (
                <SpanView key={j} span={s} people={diff.people} />
              ))}
            </div>
          );
        }
        return (
          <div key={i} className={`${className} split`}>
            <div className="old">
              {block.status !== "inserted" && side(block.spans, "del").map((s, j) => <SpanView key={j} span={s} people={diff.people} />)}
            </div>
            <div className="new">
              {block.status !== "deleted" && side(block.spans, "ins").map((s, j) => <SpanView key={j} span={s} people={diff.people} />)}
            </div>
          </div>
        );
      })}
    </div>
  );
}
