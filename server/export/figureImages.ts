import "server-only";
import { inArray, sum } from "drizzle-orm";
import sharp from "sharp";
import type { Db } from "../../db/client";
import { media } from "../../db/schema";
import type { PmNode } from "../../newsroom/canonicalContent";
import { mediaIdOf, mediaUrl } from "../../newsroom/mediaUrl";
import { setting } from "../env";
import { findStoredMedia } from "../media/storedMedia";

/** A photo ready for a Word document (which takes JPEG, PNG, GIF, not WebP). */
export interface ExportImage {
  data: Buffer;
  type: "jpg" | "png" | "gif";
}

/** The story's photos are more than one export may hold in memory (EXPORT_MAX_IMAGES/_BYTES). */
export class ExportTooLarge extends Error {}

/** The media ids of a story body's figures, each once, in order. */
function figureMediaIds(body: PmNode): string[] {
  const ids = new Set<string>();
  const visit = (node: PmNode) => {
    const id = node.type === "figure" ? mediaIdOf(node.attrs?.src) : null;
    if (id) ids.add(id);
    node.content?.forEach(visit);
  };
  visit(body);
  return [...ids];
}

/**
 * The figures' photos of a story body, by `src`, read from the database (missing ones are left
 * out). The count and the stored bytes are checked before any photo is read, so one export never
 * holds more than EXPORT_MAX_IMAGE_BYTES of photos (plus their PNG copies of WebP ones).
 */
export async function loadFigureImages(db: Db, body: PmNode): Promise<Map<string, ExportImage>> {
  const ids = figureMediaIds(body);
  const maxImages = setting("EXPORT_MAX_IMAGES");
  if (ids.length > maxImages) throw new ExportTooLarge(`这篇稿件有 ${ids.length} 张图片，导出 Word 最多 ${maxImages} 张；请用打印版`);
  if (ids.length === 0) return new Map();
  const [{ bytes }] = await db.select({ bytes: sum(media.byteSize) }).from(media).where(inArray(media.id, ids));
  const maxBytes = setting("EXPORT_MAX_IMAGE_BYTES");
  if (Number(bytes ?? 0) > maxBytes) {
    throw new ExportTooLarge(`这篇稿件的图片共 ${Math.ceil(Number(bytes) / 2 ** 20)} MB，导出 Word 最多 ${Math.floor(maxBytes / 2 ** 20)} MB；请用打印版`);
  }
  const images = new Map<string, ExportImage>();
  for (const id of ids) {
    const stored = await findStoredMedia(db, id);
    if (!stored) continue;
    const src = mediaUrl(id);
    const data = Buffer.from(stored.bytes);
    if (stored.contentType === "image/jpeg") images.set(src, { data, type: "jpg" });
    else if (stored.contentType === "image/png") images.set(src, { data, type: "png" });
    else if (stored.contentType === "image/gif") images.set(src, { data, type: "gif" });
    else images.set(src, { data: await sharp(data).png().toBuffer(), type: "png" });
  }
  return images;
}

let exportsRunning = 0;

/**
 * Runs one Word export, or returns null when EXPORT_MAX_CONCURRENT are already being built in
 * this process (each holds its photos in memory).
 */
export async function withExportSlot<T>(build: () => Promise<T>): Promise<T | null> {
  if (exportsRunning >= setting("EXPORT_MAX_CONCURRENT")) return null;
  exportsRunning++;
  try {
    return await build();
  } finally {
    exportsRunning--;
  }
}
