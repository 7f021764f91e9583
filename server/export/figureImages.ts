import "server-only";
import sharp from "sharp";
import type { Db } from "../../db/client";
import type { PmNode } from "../../newsroom/canonicalContent";
import { mediaIdOf } from "../../newsroom/mediaUrl";
import { findStoredMedia } from "../media/storedMedia";

/** A photo ready for a Word document (which takes JPEG, PNG, GIF, not WebP). */
export interface ExportImage {
  data: Buffer;
  type: "jpg" | "png" | "gif";
}

/** Most photos one export embeds; a story with more gets the rest as captions only. */
export const MAX_EXPORT_IMAGES = 200;

/** The figures' photos of a story body, by `src`, read from the database (missing ones are left out). */
export async function loadFigureImages(db: Db, body: PmNode): Promise<Map<string, ExportImage>> {
  const sources = new Set<string>();
  const visit = (node: PmNode) => {
    if (node.type === "figure" && mediaIdOf(node.attrs?.src) && sources.size < MAX_EXPORT_IMAGES) sources.add(node.attrs!.src as string);
    node.content?.forEach(visit);
  };
  visit(body);
  const images = new Map<string, ExportImage>();
  for (const src of sources) {
    const stored = await findStoredMedia(db, mediaIdOf(src)!);
    if (!stored) continue;
    const data = Buffer.from(stored.bytes);
    if (stored.contentType === "image/jpeg") images.set(src, { data, type: "jpg" });
    else if (stored.contentType === "image/png") images.set(src, { data, type: "png" });
    else if (stored.contentType === "image/gif") images.set(src, { data, type: "gif" });
    else images.set(src, { data: await sharp(data).png().toBuffer(), type: "png" });
  }
  return images;
}
