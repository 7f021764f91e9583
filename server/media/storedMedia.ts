import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { media } from "../../db/schema";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `id` can name a stored photo at all (a uuid): anything else is not looked up. */
export function isMediaId(id: string): boolean {
  return UUID.test(id);
}

/** One stored photo's bytes and type, or null (also for an id that is not a uuid at all). */
export async function findStoredMedia(db: Db, id: string): Promise<{ contentType: string; bytes: Uint8Array } | null> {
  if (!isMediaId(id)) return null;
  const [row] = await db.select({ contentType: media.contentType, bytes: media.bytes }).from(media).where(eq(media.id, id));
  return row ?? null;
}
