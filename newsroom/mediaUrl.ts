/** Where an uploaded photo is served: `/media/<uuid>` on our own origin. */
export function mediaUrl(id: string): string {
  return `/media/${id}`;
}

const MEDIA_PATH = /^\/media\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Whether `src` is one of our uploaded photos. A figure may show nothing else: a remote address
 * would let a story load (and track readers through) whatever a pasted page pointed at.
 */
export function isMediaSrc(src: unknown): src is string {
  return typeof src === "string" && MEDIA_PATH.test(src);
}

/** The media id in a `/media/<uuid>` path, or null. */
export function mediaIdOf(src: unknown): string | null {
  return isMediaSrc(src) ? src.slice("/media/".length) : null;
}
