/**
 * The narrower copies of an uploaded photo a page may ask for (`/media/<id>?w=<width>`, issue
 * 13's srcset). A fixed, short list: each photo has at most this many variants, so what the
 * server makes and keeps per photo is bounded, and any other width is refused (400).
 */
export const MEDIA_VARIANT_WIDTHS = [360, 720, 1080, 1440] as const;

export type MediaVariantWidth = (typeof MEDIA_VARIANT_WIDTHS)[number];

/** The public page's text column: full width on a phone (less its padding), else 720 px. */
export const STORY_IMAGE_SIZES = "(max-width: 760px) calc(100vw - 40px), 720px";

export function isMediaVariantWidth(width: number): width is MediaVariantWidth {
  return (MEDIA_VARIANT_WIDTHS as readonly number[]).includes(width);
}

/**
 * The `srcset` of a photo `width` pixels wide at `src` (`/media/<id>`, or absolute): each
 * listed width below the photo's own, then the photo itself. Empty when no variant is narrower
 * (the photo alone needs no srcset).
 */
export function mediaSrcset(src: string, width: number): string {
  const narrower = MEDIA_VARIANT_WIDTHS.filter((w) => w < width);
  if (narrower.length === 0) return "";
  return [...narrower.map((w) => `${src}?w=${w} ${w}w`), `${src} ${width}w`].join(", ");
}
