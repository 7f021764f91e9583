import { getDb } from "@/db/client";
import { findStoredMedia } from "@/server/media/storedMedia";

export const dynamic = "force-dynamic";

/**
 * `GET /media/:id`: a stored photo. Public (published stories show it to anyone; the id is a
 * random uuid) and immutable (an upload is never changed, a new one gets a new id), so it is
 * cached for a year. `nosniff` keeps a browser from reading the bytes as anything but the image
 * type we re-encoded them to.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const stored = await findStoredMedia(getDb(), id);
  if (!stored) {
    return Response.json({ error: { code: "not_found", message: "没有这张图片" } }, { status: 404, headers: { "x-content-type-options": "nosniff" } });
  }
  return new Response(Buffer.from(stored.bytes), {
    headers: {
      "content-type": stored.contentType,
      "content-length": String(stored.bytes.byteLength),
      "cache-control": "public, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
    },
  });
}
