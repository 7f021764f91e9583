import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { media } from "../../db/schema";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** One stored photo's bytes and type, or null (also for an id that is not a uuid at all). */
export async function findStoredMedia(db: Db, id: string): Promise<{ contentType: string; bytes: Uint8Array } | null> {
  if (!UUID.test(id)) return null;
  const [row] = await db.select({ contentType: media.contentType, bytes: media.bytes }).from(media).where(eq(media.id, id));
  return row ?? null;
}
