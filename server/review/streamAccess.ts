import "server-only";
import type { Db } from "../../db/client";
import { can } from "../../newsroom/policy";
import { findArticleFacts } from "../articles/articleFacts";
import { actorOf } from "../auth/actorOf";
import { findWorkingUser } from "../auth/activeUser";
import { isSessionLive } from "../auth/sessionRevocation";

/** Who holds an open comment stream: the account, the session it was opened on, the story. */
export interface StreamHolder {
  userId: string;
  /** Undefined only when the cookie carried no session id (every session issued has one). */
  sessionId: string | undefined;
  articleId: string;
}

/**
 * Whether the holder of an open comment stream may still hear the story's events: the session
 * was not signed out, the account is enabled and works under its own password, and the story
 * still lets them comment (a reporter taken off the byline may not). The same rule the stream
 * was opened under, asked again while it stays open.
 */
export async function mayStillFollowStory(db: Db, holder: StreamHolder): Promise<boolean> {
  if (holder.sessionId !== undefined && !(await isSessionLive(db, holder.sessionId))) return false;
  const user = await findWorkingUser(db, holder.userId);
  const actor = user ? actorOf(user) : null;
  if (!actor) return false;
  const found = await findArticleFacts(db, holder.articleId);
  return found !== null && can(actor, "read", found.facts) && can(actor, "comment", found.facts);
}
