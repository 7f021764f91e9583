import type { PmNode } from "./canonicalContent";
import { isMediaSrc } from "./mediaUrl";
import { mediaSrcset, STORY_IMAGE_SIZES } from "./mediaVariants";
import { isSafeUrl } from "./safeUrl";
import { withoutSuggestions } from "./suggestions";

/** How a rendering shows suggestions (修订). */
export interface StoryRenderOptions {
  /**
   * "hide" (default: the public page, feeds, print): pending insertions are left out, deletions
   * show as plain text, as if nothing were decided. "show" (the workbench, e.g. time travel):
   * an insertion as `<ins class="suggest-insert">`, a deletion as `<del class="suggest-delete">`,
   * so the html says what the text says.
   */
  suggestions?: "hide" | "show";
}

/**
 * Renders a story body (ProseMirror JSON of the editor schema) to HTML for the public page.
 * A whitelist: each node and mark of the schema maps to fixed tags; everything unknown is
 * dropped (its text kept, escaped); attributes are only the ones listed here, escaped; links
 * only with http(s)/mailto URLs, images only from our own `/media/`. No event handler or script can come through.
 */
export function renderStoryBody(doc: PmNode, options: StoryRenderOptions = {}): string {
  if (options.suggestions === "show") {
    const context = renderContext(SHOWN_SUGGESTION_MARKS);
    return (doc.content ?? []).map(context.node).join("\n");
  }
  // Suggestions (修订) never show as such outside the workbench: pending insertions are left out.
  const context = renderContext(MARK_RENDERERS);
  return (withoutSuggestions(doc).content ?? []).map(context.node).join("\n");
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

type MarkRenderer = (inner: string, attrs: Record<string, unknown>) => string;

/** One rendering's way down the tree: which mark renderers it uses. */
interface RenderContext {
  /** A node's HTML. */
  node(node: PmNode): string;
  /** A node's children's HTML, joined. */
  children(node: PmNode): string;
  marks: Record<string, MarkRenderer>;
}

function renderContext(marks: Record<string, MarkRenderer>): RenderContext {
  const context: RenderContext = {
    node: (node) => renderNode(node, context),
    children: (node) => (node.content ?? []).map(context.node).join(""),
    marks,
  };
  return context;
}

/** Node renderers, keyed by the schema's node names (a unit test keeps them in step). */
export const NODE_RENDERERS: Record<string, (node: PmNode, context: RenderContext) => string> = {
  paragraph: (node, c) => `<p>${c.children(node)}</p>`,
  heading: (node, c) => {
    const level = node.attrs?.level === 3 ? 3 : 2;
    return `<h${level}>${c.children(node)}</h${level}>`;
  },
  blockquote: (node, c) => `<blockquote>${c.children(node)}</blockquote>`,
  bulletList: (node, c) => `<ul>${c.children(node)}</ul>`,
  orderedList: (node, c) => `<ol>${c.children(node)}</ol>`,
  listItem: (node, c) => `<li>${c.children(node)}</li>`,
  hardBreak: () => "<br>",
  figure: (node, c) => `<figure>${figureImage(node.attrs ?? {})}<figcaption>${c.children(node)}${figureCredit(node.attrs ?? {})}</figcaption></figure>`,
  text: (node, c) => renderText(node, c.marks),
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
export const MARK_RENDERERS: Record<string, MarkRenderer> = {
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

/**
 * The workbench's marks: suggestions shown as fixed tags with a fixed class each (no
 * attribute of the mark, author or id, reaches the HTML).
 */
const SHOWN_SUGGESTION_MARKS: Record<string, MarkRenderer> = {
  ...MARK_RENDERERS,
  suggestInsert: (inner) => `<ins class="suggest-insert">${inner}</ins>`,
  suggestDelete: (inner) => `<del class="suggest-delete">${inner}</del>`,
};

function renderText(node: PmNode, marks: Record<string, MarkRenderer>): string {
  let html = escapeHtml(node.text ?? "");
  for (const mark of node.marks ?? []) {
    const render = marks[mark.type];
    if (render) html = render(html, mark.attrs ?? {});
  }
  return html;
}

function renderNode(node: PmNode, context: RenderContext): string {
  const render = NODE_RENDERERS[node.type];
  if (render) return render(node, context);
  // Unknown node (not in the schema): keep its words, drop its shape.
  return node.text !== undefined ? escapeHtml(node.text) : context.children(node);
}
