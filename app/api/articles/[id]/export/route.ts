import { z } from "zod";
import { getDb } from "@/db/client";
import { renderPrintableStory } from "@/newsroom/printableStory";
import { captureContent } from "@/server/articles/storyContent";
import { loadFigureImages } from "@/server/export/figureImages";
import { storyDocx } from "@/server/export/storyDocx";
import { readableArticleQuery } from "@/server/http/readableArticle";

export const dynamic = "force-dynamic";

const exportQuery = z.object({
  format: z.enum(["docx", "html"], { error: "format 必须是 docx 或 html" }).default("html"),
});

/** A file name from the title: no path or control characters, not empty, not endless. */
function fileName(title: string, extension: string): string {
  const cleaned = title.replace(/[\\/:*?"<>|\u0000-\u001f]/g, "").trim().slice(0, 80) || "稿件";
  return `${cleaned}.${extension}`;
}

/**
 * `GET /api/articles/:id/export?format=docx|html`: the story as saved, as a Word document
 * (photos embedded) or a print-friendly page. Whoever may read the story may export it.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const access = await readableArticleQuery(id, request, exportQuery);
  if ("error" in access) return access.error;
  const db = getDb();
  const content = await captureContent(db, id);
  if (access.query.format === "html") {
    return new Response(renderPrintableStory(content), {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "private, no-store",
        "content-security-policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
      },
    });
  }
  const docx = await storyDocx(content, await loadFigureImages(db, content.body));
  return new Response(new Uint8Array(docx), {
    headers: {
      "content-type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "content-disposition": `attachment; filename="story.docx"; filename*=UTF-8''${encodeURIComponent(fileName(content.title, "docx"))}`,
      "cache-control": "private, no-store",
    },
  });
}
