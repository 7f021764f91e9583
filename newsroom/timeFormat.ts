/** The newsroom's clock: stories are dated in Beijing time wherever the server runs. */
const NEWSROOM_TIME_ZONE = "Asia/Shanghai";

/** "11月25日 18:40": short date and time for lists. */
export function formatShortTime(iso: string): string {
  return new Intl.DateTimeFormat("zh-CN", {
    timeZone: NEWSROOM_TIME_ZONE,
    month: "numeric",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(new Date(iso));
}

/** "2026年11月25日 18:40": the date line of a published story. */
export function formatLongDate(iso: string): string {
  return new Intl.DateTimeFormat("zh-CN", {
    timeZone: NEWSROOM_TIME_ZONE,
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(new Date(iso));
}
