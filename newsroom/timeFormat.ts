/** The newsroom's clock: stories are dated in Beijing time wherever the server runs. */
export const NEWSROOM_TIME_ZONE = "Asia/Shanghai";

/** Beijing time's offset from UTC (China keeps no daylight saving time). */
const NEWSROOM_OFFSET = "+08:00";

/** The calendar and clock fields of an instant in Beijing time, as numbers. */
function beijingParts(date: Date): { year: number; month: number; day: number; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: NEWSROOM_TIME_ZONE,
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    hourCycle: "h23",
  }).formatToParts(date);
  const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: field("year"), month: field("month"), day: field("day"), hour: field("hour"), minute: field("minute") };
}

const twoDigits = (n: number) => String(n).padStart(2, "0");

/**
 * "11月25日 18:40": the one short date and time of the workbench (lists, history, timelines,
 * notifications, schedules). Written out from its parts: `Intl`'s zh-CN numeric month gives
 * "11/25", which a Chinese newsroom does not write.
 */
export function formatShortTime(iso: string): string {
  const { month, day, hour, minute } = beijingParts(new Date(iso));
  return `${month}月${day}日 ${twoDigits(hour)}:${twoDigits(minute)}`;
}

/** "2026年11月25日 18:40": the date line of a published story. */
export function formatLongDate(iso: string): string {
  const { year, month, day, hour, minute } = beijingParts(new Date(iso));
  return `${year}年${month}月${day}日 ${twoDigits(hour)}:${twoDigits(minute)}`;
}

/** An instant as the value of a `datetime-local` field in Beijing time ("2026-11-28T08:00"). */
export function toBeijingInputValue(iso: string): string {
  const { year, month, day, hour, minute } = beijingParts(new Date(iso));
  return `${year}-${twoDigits(month)}-${twoDigits(day)}T${twoDigits(hour)}:${twoDigits(minute)}`;
}

/** A `datetime-local` value read as Beijing time, as an ISO time with its offset; null if malformed. */
export function fromBeijingInputValue(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  return `${value}:00${NEWSROOM_OFFSET}`;
}
