/** What the bell can tell someone (DESIGN.md §5 notifications; issue 13). */
export const NOTIFICATION_KINDS = [
  /** A story was submitted: to the desk. */
  "submitted",
  /** The editor sent it back: to its members. */
  "changes_requested",
  /** The editor approved (签发) it: to its members. */
  "approved",
  /** It went public: to its members. */
  "published",
  /** A publication was scheduled (定时发布): to its members. */
  "publish_scheduled",
  /** A scheduled publication could not go out (the text changed since approval): to its editor. */
  "publish_failed",
  /** Someone put this reporter on a story's byline. */
  "byline_added",
  /** A reporter asked to join a story's byline: to its members and the desk. */
  "join_requested",
  /** Someone @mentioned this person in a review comment. */
  "mentioned",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** A story's title as the messages quote it. */
function quoted(title: string): string {
  return `《${title.trim() || "无标题"}》`;
}

/** The sentence the bell shows, from who did it and to which story. */
export function notificationMessage(kind: NotificationKind, actorName: string, title: string, note?: string | null): string {
  const story = quoted(title);
  switch (kind) {
    case "submitted":
      return `${actorName}提交了${story}，等待审核`;
    case "changes_requested":
      return `${actorName}退回了${story}${note ? `：${note}` : ""}`;
    case "approved":
      return `${actorName}签发了${story}`;
    case "published":
      return `${story}已发布`;
    case "publish_scheduled":
      return `${actorName}为${story}设置了定时发布${note ? `：${note}` : ""}`;
    case "publish_failed":
      return `${story}的定时发布未能执行${note ? `：${note}` : ""}`;
    case "byline_added":
      return `${actorName}把你加入了${story}的署名`;
    case "join_requested":
      return `${actorName}请求加入${story}的署名`;
    case "mentioned":
      return `${actorName}在${story}的评论中提到了你`;
  }
}
