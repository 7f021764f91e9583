import { Extension, type Editor } from "@tiptap/core";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { ReactNodeViewRenderer } from "@tiptap/react";
import { Figure } from "@/newsroom/figureExtension";
import { isMediaSrc } from "@/newsroom/mediaUrl";
import { FigureView } from "./FigureView";
import { isPhotoFile, uploadPhoto } from "./mediaUpload";

/** The figure node with its editing view (picture, caption, 摄影, 替代文字); same schema. */
export const EditableFigure = Figure.extend({
  addNodeView() {
    return ReactNodeViewRenderer(FigureView);
  },
});

/** What the page is told while photos are added: progress, a refusal, or an explanation. */
export type PhotoNotice = { kind: "info" | "error"; text: string } | null;

/**
 * Uploads `files` one after the other and inserts each as a figure where the cursor is (the
 * drop point, for a drop). A refused file is reported and the others still go in.
 */
export async function insertPhotos(editor: Editor, files: File[], notify: (notice: PhotoNotice) => void): Promise<void> {
  const refused: string[] = [];
  for (const [index, file] of files.entries()) {
    if (!isPhotoFile(file)) {
      refused.push(`${file.name}：只能上传 JPEG、PNG、WebP 或 GIF 图片`);
      continue;
    }
    notify({ kind: "info", text: `正在上传图片（${index + 1}/${files.length}）…` });
    const uploaded = await uploadPhoto(file);
    if ("error" in uploaded) refused.push(`${file.name}：${uploaded.error}`);
    else if (editor.isDestroyed || !editor.isEditable) refused.push(`${file.name}：稿件已不能编辑，图片没有插入`);
    else editor.chain().focus().insertFigure({ src: uploaded.url, width: uploaded.width, height: uploaded.height }).run();
  }
  notify(refused.length > 0 ? { kind: "error", text: refused.join("；") } : null);
}

const filesOf = (data: DataTransfer | null) => Array.from(data?.files ?? []).filter((file) => file.type.startsWith("image/"));

/** Pictures in pasted web HTML that point elsewhere (they arrive as figures waiting for a photo). */
export function countRemoteImages(html: string): number {
  if (!html.includes("<img")) return 0;
  const images = new DOMParser().parseFromString(html, "text/html").querySelectorAll("img");
  return Array.from(images).filter((img) => !isMediaSrc(img.getAttribute("src"))).length;
}

/**
 * Photos by paste and drag-and-drop: an image file (a screenshot, a photo dragged from the
 * desktop, a picture copied from a browser, which comes as a file too) is uploaded and inserted;
 * pasted web HTML with pictures keeps their places, and the reporter is told why the pictures
 * themselves did not come along.
 */
export const PhotoDropAndPaste = Extension.create<{ notify: (notice: PhotoNotice) => void }>({
  name: "photoDropAndPaste",
  addOptions() {
    return { notify: () => {} };
  },
  addProseMirrorPlugins() {
    const { editor } = this;
    const { notify } = this.options;
    return [
      new Plugin({
        key: new PluginKey("photoDropAndPaste"),
        props: {
          handlePaste: (_view, event) => {
            const files = filesOf(event.clipboardData);
            if (files.length > 0) {
              void insertPhotos(editor, files, notify);
              return true;
            }
            const remote = countRemoteImages(event.clipboardData?.getData("text/html") ?? "");
            if (remote > 0) {
              notify({
                kind: "info",
                text: `粘贴的内容里有 ${remote} 张网页图片：稿件不能引用外部网站的图片地址，已在原位置留下“待补图片”，请点“上传图片”换成自己的照片。`,
              });
            }
            return false;
          },
          handleDrop: (view, event, _slice, moved) => {
            if (moved) return false;
            const files = filesOf(event.dataTransfer);
            if (files.length === 0) return false;
            event.preventDefault();
            const dropped = view.posAtCoords({ left: event.clientX, top: event.clientY });
            if (dropped) editor.commands.setTextSelection(dropped.pos);
            void insertPhotos(editor, files, notify);
            return true;
          },
        },
      }),
    ];
  },
});
