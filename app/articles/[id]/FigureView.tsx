"use client";

import { NodeViewContent, NodeViewWrapper, useEditorState, type ReactNodeViewProps } from "@tiptap/react";
import { useRef, useState } from "react";
import { MAX_ALT_LENGTH, MAX_CREDIT_LENGTH } from "@/newsroom/figureExtension";
import { isMediaSrc } from "@/newsroom/mediaUrl";
import { isPhotoFile, uploadPhoto } from "./mediaUpload";

/** The photo's text attributes the editor shows as labelled inputs, in display order. */
const FIGURE_FIELDS = [
  { attribute: "credit", label: "摄影", maxLength: MAX_CREDIT_LENGTH, placeholder: "摄影者" },
  { attribute: "alt", label: "替代文字", maxLength: MAX_ALT_LENGTH, placeholder: "为读屏用户描述图片内容" },
] as const;

/**
 * A photo in the editor: the picture (or, for a caption still waiting for its photo, a button
 * to upload it), the caption as editable text, and the photographer and description fields.
 */
export function FigureView({ node, updateAttributes, editor }: ReactNodeViewProps) {
  const src = isMediaSrc(node.attrs.src) ? node.attrs.src : null;
  // Rights change live (the story is submitted while someone types): follow the editor's state.
  const editable = useEditorState({ editor, selector: ({ editor: e }) => e.isEditable });
  const setAttributes = (attributes: Record<string, unknown>) => {
    if (editor.isEditable) updateAttributes(attributes);
  };
  const picker = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const choosePhoto = async (file: File | undefined) => {
    if (!file) return;
    if (!isPhotoFile(file)) {
      setProblem("只能上传 JPEG、PNG、WebP 或 GIF 图片");
      return;
    }
    setBusy(true);
    const uploaded = await uploadPhoto(file);
    setBusy(false);
    if ("error" in uploaded) setProblem(uploaded.error);
    else {
      setProblem(null);
      setAttributes({ src: uploaded.url, width: uploaded.width, height: uploaded.height });
    }
  };

  return (
    <NodeViewWrapper as="figure" className="story-figure" data-testid="figure">
      {src ? (
        <img src={src} alt={node.attrs.alt ?? ""} width={node.attrs.width ?? undefined} height={node.attrs.height ?? undefined} draggable={false} contentEditable={false} />
      ) : (
        <div className="figure-missing" contentEditable={false} data-testid="figure-missing">
          <span>待补图片</span>
          {editable && (
            <>
              <button type="button" onClick={() => picker.current?.click()} disabled={busy}>
                {busy ? "上传中…" : "上传图片"}
              </button>
              <input ref={picker} type="file" accept="image/jpeg,image/png,image/webp,image/gif" hidden onChange={(e) => void choosePhoto(e.target.files?.[0])} />
            </>
          )}
        </div>
      )}
      <NodeViewContent<"figcaption"> as="figcaption" className="figure-caption" data-placeholder="图注" />
      <div className="figure-fields" contentEditable={false}>
        {FIGURE_FIELDS.map(({ attribute, label, maxLength, placeholder }) => (
          <label key={attribute}>
            {label}
            <input
              type="text"
              value={node.attrs[attribute] ?? ""}
              maxLength={maxLength}
              disabled={!editable}
              placeholder={placeholder}
              data-testid={`figure-${attribute}`}
              onChange={(e) => setAttributes({ [attribute]: e.target.value })}
            />
          </label>
        ))}
      </div>
      {problem && (
        <p role="alert" className="error" contentEditable={false}>
          {problem}
        </p>
      )}
    </NodeViewWrapper>
  );
}
