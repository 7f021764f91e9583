import "server-only";
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { media, mediaVariants } from "../../db/schema";
import type { ImageContentType } from "../../newsroom/imageType";
import type { MediaVariantWidth } from "../../newsroom/mediaVariants";
import { scaleImageToWidth } from "./imageReencoder";
import { isMediaId } from "./storedMedia";

/**
 * Photo `id` at most `width` pixels wide (a srcset entry), or null when there is no such photo.
 * Made from the stored photo the first time it is asked for and kept in the database with it
 * (several processes share no disk; two making it at once store it once). A photo no wider
 * than `width` is its own variant: it is never enlarged.
 */
export async function findOrMakeMediaVariant(
  db: Db,
  id: string,
  width: MediaVariantWidth,
): Promise<{ contentType: string; bytes: Uint8Array } | null> {
  if (!isMediaId(id)) return null;
  const [kept] = await db
    .select({ contentType: mediaVariants.contentType, bytes: mediaVariants.bytes })
    .from(mediaVariants)
    .where(and(eq(mediaVariants.mediaId, id), eq(mediaVariants.width, width)));
  if (kept) return kept;
  const [original] = await db
    .select({ width: media.width, contentType: media.contentType, bytes: media.bytes })
    .from(media)
    .where(eq(media.id, id));
  if (!original) return null;
  if (original.width <= width) return original;
  const scaled = await scaleImageToWidth(original.bytes, original.contentType as ImageContentType, width);
  await db
    .insert(mediaVariants)
    .values({ mediaId: id, width, height: scaled.height, contentType: scaled.contentType, bytes: scaled.bytes })
    .onConflictDoNothing();
  return { contentType: scaled.contentType, bytes: scaled.bytes };
}
