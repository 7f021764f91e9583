import "server-only";
import { eventBus } from "../events/processBus";

/**
 * Tells open notification streams that someone has news, over the story-event bus (commands
 * run in the custom server and in Next's bundle; scaled out, other processes' streams hear it
 * too). A stream also re-reads periodically, for a notice that never arrives.
 */

/** After the transaction that wrote them commits: these people have new notifications. */
export function announceNotifications(userIds: Iterable<string>): void {
  for (const userId of new Set(userIds)) eventBus().publish({ kind: "notificationsChanged", userId });
}

/** Calls `listener` whenever `userId` has news; returns the unsubscribe. */
export function onNotifications(userId: string, listener: () => void): () => void {
  return eventBus().subscribe("notificationsChanged", userId, () => listener());
}
