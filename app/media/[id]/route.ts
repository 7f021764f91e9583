import { getDb } from "@/db/client";
import { isMediaVariantWidth, MEDIA_VARIANT_WIDTHS } from "@/newsroom/mediaVariants";
import { findOrMakeMediaVariant } from "@/server/media/mediaVariant";
import { findStoredMedia } from "@/server/media/storedMedia";

export const dynamic = "force-dynamic";

const NOSNIFF = { "x-content-type-options": "nosniff" };

/**
 * `GET /media/:id`: a stored photo; `?w=<width>` a narrower copy of it for srcset (one of
 * MEDIA_VARIANT_WIDTHS, else 400). Public (published stories show it to anyone; the id is a
 * random uuid) and immutable (an upload is never changed, a new one gets a new id), so it is
 * cached for a year. `nosniff` keeps a browser from reading the bytes as anything but the image
 * type we re-encoded them to.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const widthParam = new URL(request.url).searchParams.get("w");
  let stored: { contentType: string; bytes: Uint8Array } | null;
  if (widthParam === null) {
    stored = await findStoredMedia(getDb(), id);
  } else {
    const width = Number(widthParam);
    if (!/^\d+$/.test(widthParam) || !isMediaVariantWidth(width)) {
      return Response.json(
        { error: { code: "invalid_request", message: `w 只能是 ${MEDIA_VARIANT_WIDTHS.join("、")} 之一` } },
        { status: 400, headers: NOSNIFF },
      );
    }
    stored = await findOrMakeMediaVariant(getDb(), id, width);
  }
  if (!stored) {
    return Response.json({ error: { code: "not_found", message: "没有这张图片" } }, { status: 404, headers: NOSNIFF });
  }
  return new Response(Buffer.from(stored.bytes), {
    headers: {
      "content-type": stored.contentType,
      "content-length": String(stored.bytes.byteLength),
      "cache-control": "public, max-age=31536000, immutable",
      ...NOSNIFF,
      "content-security-policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
    },
  });
}
