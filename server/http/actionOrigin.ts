import "server-only";
import { headers } from "next/headers";
import { isSameOrigin } from "./requestGuards";

/** What a server action refused for another origin (or none) says to the user. */
export const FOREIGN_ORIGIN_ZH = "跨站请求被拒绝，请在本站页面上操作";

/**
 * Whether a server action was posted from one of our own pages. Next.js refuses an Origin that
 * names another host but lets a request without Origin through; a plain HTML form on another
 * site (or an old browser) sends none, so an action requires it.
 */
export async function isSameOriginAction(): Promise<boolean> {
  const sent = await headers();
  return isSameOrigin(sent.get("origin"), sent.get("host"));
}
