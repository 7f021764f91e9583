import "server-only";
import type { Db } from "../../db/client";
import { can } from "../../newsroom/policy";
import { findArticleFacts } from "../articles/articleFacts";
import { actorOf } from "../auth/actorOf";
import { findWorkingUser } from "../auth/activeUser";
import { isSessionLive } from "../auth/sessionRevocation";
import { sessionOutlived } from "../auth/sessionLifetime";
import { now } from "../clock";

/** Who holds an open comment stream: the account, the session it was opened on, the story. */
export interface StreamHolder {
  userId: string;
  /** Undefined only when the cookie carried no session id (every session issued has one). */
  sessionId: string | undefined;
  articleId: string;
  /** When the session began (ms), when known: past its absolute lifetime the stream ends. */
  signedInAt?: number;
  /** When the session's token (the cookie the stream was opened with) expires (ms), when known. */
  expiresAt?: number;
}

/**
 * Whether the holder of an open comment stream may still hear the story's events: the session
 * was not signed out, the account is enabled and works under its own password, and the story
 * still lets them comment (a reporter taken off the byline may not). The same rule the stream
 * was opened under, asked again while it stays open; the session must also be within its
 * absolute lifetime and its token unexpired (a page left open for days loses the stream; the
 * page's channel opens it again with the current cookie, or is refused).
 */
export async function mayStillFollowStory(db: Db, holder: StreamHolder, at: number = now()): Promise<boolean> {
  // The same lifetimes every request's session check applies (authConfig's jwt callback).
  if (sessionOutlived(holder.signedInAt, at)) return false;
  if (holder.expiresAt !== undefined && at >= holder.expiresAt) return false;
  if (holder.sessionId !== undefined && !(await isSessionLive(db, holder.sessionId))) return false;
  const user = await findWorkingUser(db, holder.userId);
  const actor = user ? actorOf(user) : null;
  if (!actor) return false;
  const found = await findArticleFacts(db, holder.articleId);
  return found !== null && can(actor, "read", found.facts) && can(actor, "comment", found.facts);
}
