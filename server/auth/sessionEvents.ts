import "server-only";
import { eventBus } from "../events/processBus";

/**
 * Tells open sockets that a session was signed out, over the story-event bus: Auth.js runs in
 * Next's bundle and the collaboration server in the custom server; scaled out, the other
 * processes hear it too. The database stays the authority (every commit checks the session;
 * open sockets are re-checked periodically) for a notice that never arrives.
 */
export function announceSessionEnded(sessionId: string): void {
  eventBus().publish({ kind: "sessionEnded", sessionId });
}
