import type { PmNode } from "./canonicalContent";
import { isMediaSrc } from "./mediaUrl";
import { mediaSrcset, STORY_IMAGE_SIZES } from "./mediaVariants";
import { isSafeUrl } from "./safeUrl";
import { withoutSuggestions } from "./suggestions";

/**
 * Renders a story body (ProseMirror JSON of the editor schema) to HTML for the public page.
 * A whitelist: each node and mark of the schema maps to fixed tags; everything unknown is
 * dropped (its text kept, escaped); attributes are only the ones listed here, escaped; links
 * only with http(s)/mailto URLs, images only from our own `/media/`. No event handler or script can come through.
 */
export function renderStoryBody(doc: PmNode): string {
  // Suggestions (修订) never show as such outside the workbench: pending insertions are left out.
  return (withoutSuggestions(doc).content ?? []).map(renderNode).join("\n");
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const children = (node: PmNode) => (node.content ?? []).map(renderNode).join("");

/** Node renderers, keyed by the schema's node names (a unit test keeps them in step). */
export const NODE_RENDERERS: Record<string, (node: PmNode) => string> = {
  paragraph: (node) => `<p>${children(node)}</p>`,
  heading: (node) => {
    const level = node.attrs?.level === 3 ? 3 : 2;
    return `<h${level}>${children(node)}</h${level}>`;
  },
  blockquote: (node) => `<blockquote>${children(node)}</blockquote>`,
  bulletList: (node) => `<ul>${children(node)}</ul>`,
  orderedList: (node) => `<ol>${children(node)}</ol>`,
  listItem: (node) => `<li>${children(node)}</li>`,
  hardBreak: () => "<br>",
  figure: (node) => `<figure>${figureImage(node.attrs ?? {})}<figcaption>${children(node)}${figureCredit(node.attrs ?? {})}</figcaption></figure>`,
  text: (node) => renderText(node),
};

/** A figure's picture: only one of our uploads (`/media/<id>`), with its size so the page does not jump, and its variants. */
function figureImage(attrs: Record<string, unknown>): string {
  if (!isMediaSrc(attrs.src)) return "";
  const alt = typeof attrs.alt === "string" ? attrs.alt : "";
  const side = (name: "width" | "height") =>
    typeof attrs[name] === "number" && Number.isInteger(attrs[name]) && (attrs[name] as number) > 0 ? ` ${name}="${attrs[name]}"` : "";
  // Sized photos offer their narrower variants (`mediaVariants.ts`): a phone loads 720 px, not 3000.
  const srcset = typeof attrs.width === "number" && side("width") ? mediaSrcset(attrs.src, attrs.width) : "";
  const responsive = srcset ? ` srcset="${escapeHtml(srcset)}" sizes="${STORY_IMAGE_SIZES}"` : "";
  return `<img src="${escapeHtml(attrs.src)}"${responsive} alt="${escapeHtml(alt)}"${side("width")}${side("height")} loading="lazy">`;
}

/** The photographer's line under the caption ("摄影 张三"). */
function figureCredit(attrs: Record<string, unknown>): string {
  const credit = typeof attrs.credit === "string" ? attrs.credit.trim() : "";
  return credit ? ` <span class="credit">摄影 ${escapeHtml(credit)}</span>` : "";
}

/** Mark renderers, innermost first as ProseMirror orders them. */
export const MARK_RENDERERS: Record<string, (inner: string, attrs: Record<string, unknown>) => string> = {
  bold: (inner) => `<strong>${inner}</strong>`,
  italic: (inner) => `<em>${inner}</em>`,
  strike: (inner) => `<s>${inner}</s>`,
  underline: (inner) => `<u>${inner}</u>`,
  code: (inner) => `<code>${inner}</code>`,
  // Suggestions (修订) are decided before anything is published; `renderStoryBody` leaves
  // pending insertions out before it gets here. Were one ever rendered (a preview), an
  // insertion shows nothing and a deletion its text, as if nothing were decided.
  suggestInsert: () => "",
  suggestDelete: (inner) => inner,
  link: (inner, attrs) => {
    const href = typeof attrs.href === "string" ? attrs.href.trim() : "";
    if (!isSafeUrl(href)) return inner;
    return `<a href="${escapeHtml(href)}" rel="noopener noreferrer nofollow" target="_blank">${inner}</a>`;
  },
};

function renderText(node: PmNode): string {
  let html = escapeHtml(node.text ?? "");
  for (const mark of node.marks ?? []) {
    const render = MARK_RENDERERS[mark.type];
    if (render) html = render(html, mark.attrs ?? {});
  }
  return html;
}

function renderNode(node: PmNode): string {
  const render = NODE_RENDERERS[node.type];
  if (render) return render(node);
  // Unknown node (not in the schema): keep its words, drop its shape.
  return node.text !== undefined ? escapeHtml(node.text) : children(node);
}
