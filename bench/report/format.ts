import type { Spread } from "../lib/stats";

/** Enough digits to compare, few enough to read. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** "median (min–max)"; a single run shows just the value. */
export function formatSpread(s: Spread | undefined): string {
  if (!s || !Number.isFinite(s.median)) return "–";
  if (s.runs <= 1 || s.min === s.max) return formatNumber(s.median);
  return `${formatNumber(s.median)} (${formatNumber(s.min)}–${formatNumber(s.max)})`;
}
