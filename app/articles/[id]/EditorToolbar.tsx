"use client";

import type { Editor } from "@tiptap/react";
import { useEditorState } from "@tiptap/react";
import { useRef, type ReactNode } from "react";
import { isSafeLinkTarget } from "@/newsroom/safeUrl";
import { PHOTO_TYPES } from "./mediaUpload";
import { insertPhotos, type PhotoNotice } from "./photoEditing";

interface ToolbarProps {
  editor: Editor;
  onError: (message: string | null) => void;
  /** Progress and refusals of photo uploads. */
  onPhotoNotice: (notice: PhotoNotice) => void;
  /** Switches shown after the formatting buttons (修订模式). */
  children?: ReactNode;
}

/** Formatting for the story body: headings, emphasis, lists, quotes, links. */
export function EditorToolbar({ editor, onError, onPhotoNotice, children }: ToolbarProps) {
  const photoPicker = useRef<HTMLInputElement>(null);
  const active = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      h2: e.isActive("heading", { level: 2 }),
      h3: e.isActive("heading", { level: 3 }),
      bold: e.isActive("bold"),
      italic: e.isActive("italic"),
      bulletList: e.isActive("bulletList"),
      orderedList: e.isActive("orderedList"),
      blockquote: e.isActive("blockquote"),
      link: e.isActive("link"),
    }),
  });

  const setLink = () => {
    const previous = (editor.getAttributes("link").href as string | undefined) ?? "";
    const input = window.prompt("链接地址（http、https 或 mailto）", previous);
    if (input === null) return;
    if (input.trim() === "") {
      editor.chain().focus().extendMarkRange("link").unsetLink().run();
      onError(null);
      return;
    }
    if (!isSafeLinkTarget(input)) {
      onError("链接地址无效：只支持 http、https 或 mailto 链接");
      return;
    }
    const href = /^[a-z][a-z0-9+.-]*:/i.test(input.trim()) ? input.trim() : `https://${input.trim()}`;
    editor.chain().focus().extendMarkRange("link").setLink({ href }).run();
    onError(null);
  };

  const choosePhotos = (files: FileList | null) => {
    if (files && files.length > 0) void insertPhotos(editor, Array.from(files), onPhotoNotice);
    if (photoPicker.current) photoPicker.current.value = "";
  };

  const button = (label: string, title: string, isActive: boolean, run: () => void) => (
    <button
      type="button"
      title={title}
      aria-label={title}
      aria-pressed={isActive}
      className={isActive ? "active" : undefined}
      onMouseDown={(event) => event.preventDefault()}
      onClick={run}
    >
      {label}
    </button>
  );

  return (
    <div className="toolbar" role="toolbar" aria-label="格式">
      {button("小标题", "二级标题", active.h2, () => editor.chain().focus().toggleHeading({ level: 2 }).run())}
      {button("三级", "三级标题", active.h3, () => editor.chain().focus().toggleHeading({ level: 3 }).run())}
      {button("B", "加粗", active.bold, () => editor.chain().focus().toggleBold().run())}
      {button("I", "斜体", active.italic, () => editor.chain().focus().toggleItalic().run())}
      {button("• 列表", "项目列表", active.bulletList, () => editor.chain().focus().toggleBulletList().run())}
      {button("1. 列表", "编号列表", active.orderedList, () => editor.chain().focus().toggleOrderedList().run())}
      {button("引用", "引用", active.blockquote, () => editor.chain().focus().toggleBlockquote().run())}
      {button("链接", "插入链接", active.link, setLink)}
      {button("图片", "上传图片（也可拖入或粘贴图片文件）", false, () => photoPicker.current?.click())}
      <input
        ref={photoPicker}
        type="file"
        accept={PHOTO_TYPES.join(",")}
        multiple
        hidden
        data-testid="photo-input"
        onChange={(e) => choosePhotos(e.target.files)}
      />
      {children}
    </div>
  );
}
