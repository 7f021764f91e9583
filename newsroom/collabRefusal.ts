import {
  CLOSE_FORBIDDEN,
  CLOSE_MALFORMED,
  CLOSE_NO_SUCH_ARTICLE,
  CLOSE_NOT_SIGNED_IN,
  CLOSE_OVER_BUDGET,
} from "./collabMessages";

/** What the editor tells its user when the server closed the socket for good (44xx codes). */
export interface Refusal {
  message: string;
  /** Whether reloading the page is the way on (it loads the story as saved). */
  offerReload: boolean;
  /** Whether signing in again is the way on (signed out, perhaps in another tab). */
  offerSignIn?: boolean;
}

/**
 * The user-facing words for a final close: 4429 is both "too many sockets" (reason
 * "too many connections") and a spent budget (reason "over <SETTING>"); they need different
 * advice. Unsaved local edits are gone after a reload, so the text says so where it matters.
 */
export function refusalFor(code: number, reason: string): Refusal {
  switch (code) {
    case CLOSE_NOT_SIGNED_IN:
      return { message: "登录已失效，请重新登录后再编辑。", offerReload: false, offerSignIn: true };
    case CLOSE_FORBIDDEN:
      return { message: "你没有打开这篇稿件的权限。", offerReload: false };
    case CLOSE_NO_SUCH_ARTICLE:
      return { message: "这篇稿件不存在或已被删除。", offerReload: false };
    case CLOSE_MALFORMED:
      return {
        message: "最后一次修改含有编辑器不支持的内容（或标题超过 200 字），服务器没有保存它。请重新载入后再改。",
        offerReload: true,
      };
    case CLOSE_OVER_BUDGET:
      return reason.startsWith("too many connections")
        ? { message: "打开的编辑页面过多，请关闭一些标签页后刷新。", offerReload: true }
        : {
            message: "修改发送得过快，服务器暂停了这个页面的连接，未显示“已保存”的修改没有保存。请稍候重新载入。",
            offerReload: true,
          };
    default:
      return { message: "连接被服务器拒绝。", offerReload: true };
  }
}
