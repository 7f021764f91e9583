/**
 * Caret, presence and authorship colours. Chosen for contrast on white and against each
 * other. Each account gets its own slot when it is created (users.color_index), so people in
 * one newsroom never share a colour until there are more people than colours.
 */
export const PALETTE = [
  "#d9480f",
  "#1971c2",
  "#2b8a3e",
  "#ae3ec9",
  "#e67700",
  "#0c8599",
  "#c2255c",
  "#5f3dc4",
  "#5c940d",
  "#364fc7",
  "#a61e4d",
  "#087f5b",
] as const;

/** The colour of an account's palette slot. */
export function userColor(colorIndex: number): string {
  return PALETTE[((colorIndex % PALETTE.length) + PALETTE.length) % PALETTE.length];
}
