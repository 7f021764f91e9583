/**
 * Caret and presence colours. Chosen for contrast on white and against each other; the same
 * user always gets the same colour so people learn to recognise each other's carets.
 */
const PALETTE = [
  "#d9480f",
  "#1971c2",
  "#2b8a3e",
  "#ae3ec9",
  "#e67700",
  "#0c8599",
  "#c2255c",
  "#5f3dc4",
] as const;

/** A stable colour for a user id (FNV-1a over the id picks a palette entry). */
export function userColor(userId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return PALETTE[(hash >>> 0) % PALETTE.length];
}
