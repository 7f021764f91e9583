import "server-only";
import { and, count, eq, gt, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { media, type User } from "../../db/schema";
import { sniffImageType } from "../../newsroom/imageType";
import { mediaUrl } from "../../newsroom/mediaUrl";
import { now } from "../clock";
import type { MediaSettings } from "../env";
import { reencodeImage, UndecodableImage } from "../media/imageReencoder";
import { refuse, type CommandResult } from "./commandResult";

export interface MediaUploaderProps {
  actor: User;
  /** The uploaded file's bytes, as received (its name and declared type are not trusted). */
  bytes: Uint8Array;
  settings: MediaSettings;
}

export interface UploadedMedia {
  id: string;
  url: string;
  width: number;
  height: number;
}

const HOUR_MS = 60 * 60 * 1000;

/** Photos `userId` uploaded in the hour before now. */
async function uploadsInLastHour(db: Db, userId: string): Promise<number> {
  const since = new Date(now() - HOUR_MS);
  const [{ uploads }] = await db
    .select({ uploads: count() })
    .from(media)
    .where(and(eq(media.uploadedBy, userId), gt(media.createdAt, since)));
  return uploads;
}

/**
 * Stores a photo: checks its size, its format from the magic bytes (JPEG, PNG, WebP, GIF),
 * the uploader's hourly allowance, re-encodes it without metadata and writes it to the
 * database (every process serves it, no shared disk). Nothing is stored when any check fails.
 */
export async function mediaUploader(db: Db, { actor, bytes, settings }: MediaUploaderProps): Promise<CommandResult<UploadedMedia>> {
  if (bytes.byteLength > settings.MEDIA_MAX_BYTES) {
    return refuse("payload_too_large", `图片过大：上限 ${formatMegabytes(settings.MEDIA_MAX_BYTES)}`);
  }
  const type = sniffImageType(bytes);
  if (!type) return refuse("unsupported_media_type", "只能上传 JPEG、PNG、WebP 或 GIF 图片");
  const overAllowance = () => refuse("rate_limited", `一小时内最多上传 ${settings.MEDIA_UPLOADS_PER_HOUR} 张图片，请稍后再试`);
  // Cheap refusal first; the count that decides is taken again under the lock below.
  if ((await uploadsInLastHour(db, actor.id)) >= settings.MEDIA_UPLOADS_PER_HOUR) return overAllowance();
  // Decoded before the transaction: the allowance is then counted and the row written under one
  // per-account lock, so parallel uploads cannot all pass the same count.
  let image;
  try {
    image = await reencodeImage(bytes, type, { maxPixels: settings.MEDIA_MAX_PIXELS, maxDimension: settings.MEDIA_MAX_DIMENSION });
  } catch (error) {
    if (error instanceof UndecodableImage) return refuse("unsupported_media_type", "图片无法读取（文件损坏或尺寸过大）");
    throw error;
  }
  const stored = image;
  const row = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`media-upload:${actor.id}`}))`);
    if ((await uploadsInLastHour(tx, actor.id)) >= settings.MEDIA_UPLOADS_PER_HOUR) return null;
    const [inserted] = await tx
      .insert(media)
      .values({
        contentType: stored.contentType,
        width: stored.width,
        height: stored.height,
        byteSize: stored.bytes.byteLength,
        bytes: stored.bytes,
        uploadedBy: actor.id,
        createdAt: new Date(now()),
      })
      .returning({ id: media.id });
    return inserted;
  });
  if (!row) return overAllowance();
  return { ok: true, id: row.id, url: mediaUrl(row.id), width: image.width, height: image.height };
}

function formatMegabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}
