import type { PmNode } from "../canonicalContent";
import { capFindings, checkResult, type CheckFinding, type CheckResult } from "./checkResult";
import { nodeText, walkNodes } from "./storyText";

const CAPTION_CHILDREN = ["figcaption", "caption", "imageCaption"];

function captionAttr(node: PmNode): string {
  const caption = node.attrs?.caption;
  return typeof caption === "string" ? caption : "";
}

/** A figure's caption: its own inline text, a caption child, or a `caption` attribute. */
function figureCaption(figure: PmNode): string {
  const child = (figure.content ?? []).find((c) => CAPTION_CHILDREN.includes(c.type));
  return (child ? nodeText(child) : nodeText(figure)).trim() || captionAttr(figure).trim();
}

/**
 * 图片说明: every photo has a caption. A photo is a `figure` node (ours keeps the caption as
 * its inline content; one from elsewhere may hold a caption child or attribute) or an `image`
 * node; an image inside a figure is captioned by the figure.
 */
export function photoCaptionsCheck(body: PmNode): CheckResult {
  const findings: CheckFinding[] = [];
  let photo = 0;
  for (const { node, parent } of walkNodes(body)) {
    const isFigure = node.type === "figure";
    const isLooseImage = node.type === "image" && parent?.type !== "figure";
    if (!isFigure && !isLooseImage) continue;
    photo += 1;
    const caption = isFigure ? figureCaption(node) : captionAttr(node).trim();
    if (!caption) {
      const src = typeof node.attrs?.src === "string" ? node.attrs.src : "";
      findings.push({ message: `第 ${photo} 张图片没有图片说明`, ...(src ? { excerpt: src } : {}) });
    }
  }
  return checkResult("photo_captions", "failed", capFindings(findings));
}
