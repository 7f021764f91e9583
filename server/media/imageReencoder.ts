import "server-only";
import sharp, { type Sharp } from "sharp";
import type { ImageContentType } from "../../newsroom/imageType";

export interface ReencodedImage {
  bytes: Buffer;
  contentType: ImageContentType;
  width: number;
  height: number;
}

export interface ReencodeLimits {
  /** Largest width × height decoded: a small file can claim a huge canvas (a decompression bomb). */
  maxPixels: number;
  /** Longest side stored; larger photos are scaled down to fit. */
  maxDimension: number;
}

/** The bytes are not a picture we can decode (truncated, corrupt, or too large to decode). */
export class UndecodableImage extends Error {}

/**
 * Decodes `input` (already sniffed as `type`) and encodes it again in the same format. What
 * comes out carries pixels only: EXIF (GPS position, camera serial), XMP, IPTC and comments are
 * not copied (sharp writes no metadata unless asked), and the EXIF orientation is applied to
 * the pixels first so the photo still stands the right way up. Animated GIFs keep their frames.
 */
export async function reencodeImage(input: Uint8Array, type: ImageContentType, limits: ReencodeLimits): Promise<ReencodedImage> {
  const animated = type === "image/gif" || type === "image/webp";
  try {
    let pipeline = sharp(input, { limitInputPixels: limits.maxPixels, animated, failOn: "error" })
      .rotate()
      .resize({ width: limits.maxDimension, height: limits.maxDimension, fit: "inside", withoutEnlargement: true });
    return await encodeAs(pipeline, type);
  } catch (error) {
    throw new UndecodableImage(error instanceof Error ? error.message : String(error));
  }
}

/**
 * A narrower copy of a stored photo (already re-encoded, so trusted to decode), `width` pixels
 * wide, same format, animation kept: a srcset variant (`mediaVariant.ts`).
 */
export async function scaleImageToWidth(input: Uint8Array, type: ImageContentType, width: number): Promise<ReencodedImage> {
  const animated = type === "image/gif" || type === "image/webp";
  return encodeAs(sharp(input, { animated }).resize({ width, withoutEnlargement: true }), type);
}

async function encodeAs(pipeline: Sharp, type: ImageContentType): Promise<ReencodedImage> {
  switch (type) {
    case "image/jpeg":
      pipeline = pipeline.jpeg({ quality: 85, mozjpeg: true });
      break;
    case "image/png":
      pipeline = pipeline.png({ compressionLevel: 9 });
      break;
    case "image/webp":
      pipeline = pipeline.webp({ quality: 85 });
      break;
    case "image/gif":
      pipeline = pipeline.gif();
      break;
  }
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
  // An animation's height is the frames stacked; the page shows one frame.
  const height = info.pageHeight ?? info.height;
  return { bytes: data, contentType: type, width: info.width, height };
}
