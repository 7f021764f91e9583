import { z } from "zod";
import { getDb } from "@/db/client";
import { renderPrintableStory } from "@/newsroom/printableStory";
import { captureContent } from "@/server/articles/storyContent";
import { ExportTooLarge, loadFigureImages, withExportSlot } from "@/server/export/figureImages";
import { apiError } from "@/server/http/apiErrors";
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
  let docx: Buffer | null;
  try {
    docx = await withExportSlot(async () => storyDocx(content, await loadFigureImages(db, content.body)));
  } catch (err) {
    if (err instanceof ExportTooLarge) return apiError("payload_too_large", err.message);
    throw err;
  }
  if (!docx) {
    const busy = apiError("rate_limited", "服务器正在导出其他稿件，请稍后再试");
    busy.headers.set("retry-after", "5");
    return busy;
  }
  return new Response(new Uint8Array(docx), {
    headers: {
      "content-type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "content-disposition": `attachment; filename="story.docx"; filename*=UTF-8''${encodeURIComponent(fileName(content.title, "docx"))}`,
      "cache-control": "private, no-store",
    },
  });
}
