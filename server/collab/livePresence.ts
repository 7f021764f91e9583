import "server-only";
import { eventBus } from "../events/processBus";
import type { AwarenessUser } from "./awarenessIdentity";

/** People connected to each story in this process (empty when the collab server is not running). */
export function livePresence(): Map<string, AwarenessUser[]> {
  return eventBus().liveRooms().presence();
}
