import { BRAND_ICON_SVG } from "@/newsroom/brandIcon";

export const dynamic = "force-static";

/** `GET /favicon.ico`: browsers and feed readers ask for it by that name; the brand icon (SVG). */
export function GET() {
  return new Response(BRAND_ICON_SVG, {
    headers: { "content-type": "image/svg+xml", "cache-control": "public, max-age=86400" },
  });
}
